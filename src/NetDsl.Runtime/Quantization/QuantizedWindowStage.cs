namespace NetDsl.Quantization;

/// <summary>
/// A convolution or max pool stage: a <see cref="Int8Window"/>, and the layout of the samples it reads and writes —
/// PyTorch's planar <c>[C, H, W]</c>, or channels-last <c>[H, W, C]</c> between consecutive window stages, so that
/// neither the convolution nor the pool moves bytes one at a time between the two. The network chooses the layouts
/// (<see cref="UseChannelsLast"/>); every other stage, and the network's outputs, see planar samples.
/// </summary>
internal abstract class QuantizedWindowStage : QuantizedStage
{
    protected QuantizedWindowStage(string name, string kind, Int8Window window, QuantizationParameters output)
        : base(name, kind, window.InChannels * window.InPlane, window.OutChannels * window.OutPlane, output)
    {
        Window = window;
    }

    public Int8Window Window { get; }

    /// <summary>Whether the stage reads channels-last samples.</summary>
    public bool ChannelsLastInput { get; private set; }

    /// <summary>Whether the stage writes channels-last samples.</summary>
    public bool ChannelsLastOutput { get; private set; }

    /// <summary>Sets the layouts, once, while the network that owns the stage is built.</summary>
    internal void UseChannelsLast(bool input, bool output)
    {
        ChannelsLastInput = input;
        ChannelsLastOutput = output;
    }
}
