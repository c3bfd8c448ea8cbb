using System.Runtime.Intrinsics;

namespace NetDsl.Generated;

/// <summary>Which register tile a pass uses.</summary>
internal enum ChannelsLastTile
{
    /// <summary>6 rows x 2 vectors (<see cref="ChannelsLastTiles"/>).</summary>
    Narrow,

    /// <summary>6 rows x 4 vectors at 512 bits for 64 channels and more (<see cref="ChannelsLastWideTiles"/>).</summary>
    Wide,

    /// <summary>12 rows x 1 vector for channels that fit one vector (<see cref="ChannelsLastTallTiles"/>).</summary>
    Tall,
}

/// <summary>
/// Which register tile and vector width the channels-last convolution uses for a number of channels in the lanes: the
/// widths and tiles change no result (every lane is summed in the same order), only how full the vectors are.
/// </summary>
internal static class ChannelsLastTileShape
{
    // The 6x4 tiles need AVX-512's 32 registers and 64 channels or more to fill them; the 12x1 tiles serve channels that
    // fit one vector, which the 6x2 tiles would spread over two half-empty ones.
    public static ChannelsLastTile Shape<TVector, TWidth>(int channels)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.Count == Vector512<float>.Count && channels >= ChannelsLastWideTiles.Vectors * TWidth.Count ? ChannelsLastTile.Wide
        : channels <= TWidth.Count && TWidth.Count > 1 ? ChannelsLastTile.Tall
        : ChannelsLastTile.Narrow;

    // Channels per tile: a row of the tile's accumulators.
    public static int TileChannels<TVector, TWidth>(ChannelsLastTile shape)
        where TVector : struct
        where TWidth : struct, IVectorWidth<TVector> =>
        shape switch
        {
            ChannelsLastTile.Wide => ChannelsLastWideTiles.Vectors * TWidth.Count,
            ChannelsLastTile.Tall => TWidth.Count,
            _ => 2 * TWidth.Count,
        };

    public static int RowsOf(ChannelsLastTile shape) => shape == ChannelsLastTile.Tall ? ChannelsLastTallTiles.Rows : ChannelsLastTiles.Rows;

    // The vector width for `channels` in the lanes: one vector that holds them all when there are at most 16 (the 12x1
    // tiles), otherwise the widest that two vectors of the channels fill.
    public static int WidthFor(int channels)
    {
        int fitting = channels > 8 ? 512 : channels > 4 ? 256 : 128;
        return channels <= 16 && VectorWidth.For(fitting / 32) == fitting ? fitting : VectorWidth.For(channels / 2);
    }
}
