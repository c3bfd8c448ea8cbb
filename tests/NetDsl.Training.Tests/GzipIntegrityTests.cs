using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using Digits;
using Xunit;

namespace NetDsl.Training.Tests;

/// <summary>
/// A gzip file cut anywhere is an error in every loader (issue 14): GZipStream alone reports a cut as a clean end,
/// which loaded a truncated <c>.csv.gz</c> as a shorter dataset.
/// </summary>
public class GzipIntegrityTests
{
    private const string Marker = "the gzip stream ends before its end marker / trailer";

    private static readonly CsvOptions DigitsOptions = new() { TargetColumn = -1, Target = TargetKind.ClassIndex, ClassCount = 10 };

    [Fact]
    public void The_bundled_digits_csv_gz_cut_anywhere_throws_and_whole_loads_every_row()
    {
        byte[] bytes = File.ReadAllBytes(new DigitsSettings().DataPath);
        Dataset whole = CsvLoader.Load(new MemoryStream(bytes), "digits.csv.gz", DigitsOptions).Data;
        Assert.Equal(1797, whole.Count);

        // Every byte of the header and of the trailer, and about 300 cuts in between.
        var cuts = Enumerable.Range(0, 64).Concat(Enumerable.Range(bytes.Length - 64, 64))
            .Concat(Enumerable.Range(0, 300).Select(i => 64 + (int)((long)i * (bytes.Length - 128) / 300)));
        foreach (int cut in cuts.Distinct())
        {
            var error = Assert.Throws<DataFormatException>(() => CsvLoader.Load(new MemoryStream(bytes, 0, cut), "digits.csv.gz", DigitsOptions));
            Assert.Equal("digits.csv.gz", error.FilePath);
            if (cut >= 2)
            {
                // Below two bytes there is no gzip magic: the content is read as text, with no rows.
                Assert.Contains(Marker, error.Message);
            }
        }
    }

    [Fact]
    public void A_small_csv_gz_cut_at_every_length_throws_and_whole_loads_every_row()
    {
        var text = new StringBuilder();
        for (int row = 0; row < 400; row++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{row * 0.25},{row % 7},{row % 3}\n");
        }

        byte[] bytes = Gzip(Encoding.UTF8.GetBytes(text.ToString()));
        using var folder = new TempDirectory();
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            string path = folder.Write("cut.csv.gz", bytes.AsSpan(0, cut).ToArray());
            if (cut == bytes.Length)
            {
                Dataset data = CsvLoader.Load(path).Data;
                Assert.Equal(400, data.Count);
                Assert.Equal(399 * 0.25f, data.GetFeatures(399)[0]);
            }
            else if (cut < 2)
            {
                // Fewer than the two magic bytes: not gzip at all, read as (empty or one-byte) text, which is no data.
                Assert.Throws<DataFormatException>(() => CsvLoader.Load(path));
            }
            else
            {
                var error = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path));
                Assert.Equal(path, error.FilePath);
                Assert.Contains(Marker, error.Message);
            }
        }
    }

    [Fact]
    public void An_idx_gz_cut_anywhere_throws_the_same_error_even_when_the_cut_keeps_all_the_data()
    {
        byte[] idx = Idx([3, 4, 4], Enumerable.Range(0, 48).Select(i => (byte)(i * 5)).ToArray());
        byte[] bytes = Gzip(idx);
        Assert.Equal(48, IdxLoader.Read(new MemoryStream(bytes), "images.gz").Values.Length);
        for (int cut = 2; cut < bytes.Length; cut++)
        {
            var error = Assert.Throws<DataFormatException>(() => IdxLoader.Read(new MemoryStream(bytes, 0, cut), "images.gz"));
            Assert.Contains(Marker, error.Message);
        }
    }

    [Fact]
    public void Several_gzip_members_concatenated_still_load_and_a_cut_in_the_last_one_throws()
    {
        byte[] first = Gzip(Encoding.UTF8.GetBytes("1,0\n2,1\n"));
        byte[] second = Gzip(Encoding.UTF8.GetBytes("3,0\n4,1\n5,1\n"));
        byte[] both = [.. first, .. second];
        Dataset data = CsvLoader.Load(new MemoryStream(both), "two-members.csv.gz").Data;
        Assert.Equal([1f, 2f, 3f, 4f, 5f], data.Features.ToArray());

        for (int cut = first.Length + 1; cut < both.Length; cut++)
        {
            var error = Assert.Throws<DataFormatException>(() => CsvLoader.Load(new MemoryStream(both, 0, cut), "two-members.csv.gz"));
            Assert.Contains(Marker, error.Message);
        }
    }

    [Fact]
    public void Corrupt_deflate_data_or_a_wrong_crc_is_a_data_format_error_naming_the_file()
    {
        byte[] bytes = Gzip(Encoding.UTF8.GetBytes("1,0\n2,1\n"));
        byte[] wrongCrc = (byte[])bytes.Clone();
        wrongCrc[^6] ^= 0x40;
        var error = Assert.Throws<DataFormatException>(() => CsvLoader.Load(new MemoryStream(wrongCrc), "crc.csv.gz"));
        Assert.Equal("crc.csv.gz", error.FilePath);
        Assert.IsType<InvalidDataException>(error.InnerException);

        byte[] badBlock = (byte[])bytes.Clone();
        badBlock[10] = 0xFF; // block type 3, which does not exist
        error = Assert.Throws<DataFormatException>(() => CsvLoader.Load(new MemoryStream(badBlock), "block.csv.gz"));
        Assert.Contains("Expected valid gzip data", error.Message);
    }

    [Fact]
    public void Bytes_after_the_last_member_are_reported_rather_than_ignored()
    {
        byte[] bytes = [.. Gzip(Encoding.UTF8.GetBytes("1,0\n2,1\n")), 0, 0, 0, 0];
        var error = Assert.Throws<DataFormatException>(() => CsvLoader.Load(new MemoryStream(bytes), "padded.csv.gz"));
        Assert.Contains("has bytes after its end", error.Message);
    }

    [Fact]
    public void Complete_files_of_every_length_around_the_crc_stride_load_whole()
    {
        // The single-member check compares the CRC-32 computed (8 bytes at a time, then byte by byte) with the trailer:
        // a wrong CRC would reject these complete files.
        var random = new Random(7);
        for (int length = 0; length < 40; length++)
        {
            byte[] values = new byte[length];
            random.NextBytes(values);
            IdxArray read = IdxLoader.Read(new MemoryStream(Gzip(Idx([length], values))), "values.gz");
            Assert.Equal(values.Select(v => (float)v).ToArray(), read.Values.ToArray());
        }
    }

    private static byte[] Gzip(byte[] bytes)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return buffer.ToArray();
    }

    private static byte[] Idx(int[] shape, byte[] values)
    {
        var bytes = new byte[4 + (4 * shape.Length) + values.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)shape.Length;
        for (int d = 0; d < shape.Length; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * d)), shape[d]);
        }

        values.CopyTo(bytes, 4 + (4 * shape.Length));
        return bytes;
    }
}
