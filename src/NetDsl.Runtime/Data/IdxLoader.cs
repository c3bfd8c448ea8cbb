using System;
using System.Buffers.Binary;
using System.IO;

namespace NetDsl;

/// <summary>
/// Reads the IDX format of MNIST and its relatives: a magic number (two zero bytes, a type code, the number of
/// dimensions), one big-endian int32 per dimension, then the values, big-endian. Gzip-compressed files are read
/// transparently. A malformed file throws a <see cref="DataFormatException"/> naming the file, the byte offset (in the
/// decompressed content) and the problem.
/// </summary>
public static class IdxLoader
{
    /// <summary>The magic number of MNIST image files: unsigned bytes, 3 dimensions.</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic number of MNIST label files: unsigned bytes, 1 dimension.</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads the IDX file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is malformed: bad magic, truncated, or longer than its header says.</exception>
    public static IdxArray Read(string path)
    {
        using Stream stream = DataStreams.OpenRead(path);
        return ReadCore(stream, path);
    }

    /// <summary>Reads IDX content from <paramref name="stream"/> (gzip-compressed or not); <paramref name="sourceName"/> names it in messages.</summary>
    /// <exception cref="DataFormatException">The content is malformed.</exception>
    public static IdxArray Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        return ReadCore(DataStreams.Decompress(stream, sourceName), sourceName);
    }

    /// <summary>
    /// Loads an image file and a label file (MNIST's pair) as a classification dataset: one sample per image, its
    /// values as features (raw, 0–255 for MNIST: normalize them), its label as class index.
    /// </summary>
    /// <param name="imagesPath">The images: at least two dimensions, the first the number of images.</param>
    /// <param name="labelsPath">The labels: one dimension of whole numbers, as many as images.</param>
    /// <param name="classCount">The number of classes; null takes the largest label plus one.</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="DataFormatException">A file is malformed, or the two files do not match.</exception>
    public static Dataset Load(string imagesPath, string labelsPath, int? classCount = null) =>
        ToDataset(Read(imagesPath), imagesPath, Read(labelsPath), labelsPath, classCount);

    /// <summary>As <see cref="Load(string, string, int?)"/>, from streams named <paramref name="imagesName"/> and <paramref name="labelsName"/> in messages.</summary>
    public static Dataset Load(Stream images, string imagesName, Stream labels, string labelsName, int? classCount = null) =>
        ToDataset(Read(images, imagesName), imagesName, Read(labels, labelsName), labelsName, classCount);

    private static Dataset ToDataset(IdxArray images, string imagesName, IdxArray labels, string labelsName, int? classCount)
    {
        if (images.Shape.Length < 2)
        {
            throw DataFormatException.AtOffset(imagesName, 3, $"Expected images of at least 2 dimensions (count, then the image's shape), but the file has {images.Shape.Length}.");
        }

        if (labels.Shape.Length != 1)
        {
            throw DataFormatException.AtOffset(labelsName, 3, $"Expected labels of 1 dimension, but the file has {labels.Shape.Length}.");
        }

        if (labels.DataType is IdxDataType.Single or IdxDataType.Double)
        {
            throw DataFormatException.AtOffset(labelsName, 2, $"Expected integer labels, but the file holds {labels.DataType} values.");
        }

        if (labels.Count != images.Count)
        {
            throw DataFormatException.InFile(labelsName, $"Expected one label per image of '{imagesName}' ({images.Count}), but the file has {labels.Count} labels.");
        }

        if (classCount is int requested && requested < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), requested, $"Expected a positive number of classes, but got {requested}.");
        }

        ReadOnlySpan<float> values = labels.Values;
        int largest = -1;
        int headerLength = 4 + 4 * labels.Shape.Length;
        int elementSize = ElementSize(labels.DataType);
        for (int i = 0; i < values.Length; i++)
        {
            float label = values[i];
            if (label < 0f || label >= (classCount ?? int.MaxValue))
            {
                string range = classCount is int classes ? $"0 to {classes - 1}" : "0 or more";
                throw DataFormatException.AtOffset(labelsName, headerLength + (long)i * elementSize, $"Expected a label {range}, but label {i} is {label}.");
            }

            largest = Math.Max(largest, (int)label);
        }

        return Dataset.Own(images.ValuesArray, images.ItemSize, labels.ValuesArray, 1, classCount ?? largest + 1, null);
    }

    private static IdxArray ReadCore(Stream stream, string source)
    {
        long offset = 0;
        Span<byte> word = stackalloc byte[4];
        ReadHeaderWord(stream, word, ref offset, source, "the magic number");
        if (word[0] != 0 || word[1] != 0)
        {
            throw DataFormatException.AtOffset(source, 0, $"Expected an IDX magic number starting with two zero bytes (0x00000803 for MNIST images, 0x00000801 for labels), but found 0x{word[0]:X2}{word[1]:X2}{word[2]:X2}{word[3]:X2}.");
        }

        var dataType = (IdxDataType)word[2];
        if (!Enum.IsDefined(dataType))
        {
            throw DataFormatException.AtOffset(source, 2, $"Expected an IDX type code (0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E), but found 0x{word[2]:X2}.");
        }

        int dimensions = word[3];
        if (dimensions == 0)
        {
            throw DataFormatException.AtOffset(source, 3, "Expected at least one dimension, but the magic number declares 0.");
        }

        int[] shape = new int[dimensions];
        long elements = 1;
        for (int d = 0; d < dimensions; d++)
        {
            long at = offset;
            ReadHeaderWord(stream, word, ref offset, source, $"dimension {d} of {dimensions}");
            int size = BinaryPrimitives.ReadInt32BigEndian(word);
            if (size < 0)
            {
                throw DataFormatException.AtOffset(source, at, $"Expected a non-negative size for dimension {d}, but found {size}.");
            }

            shape[d] = size;
            elements *= size;
            if (elements > Array.MaxLength)
            {
                throw DataFormatException.AtOffset(source, at, $"Expected at most {Array.MaxLength} values, but the dimensions multiply to more.");
            }
        }

        int elementSize = ElementSize(dataType);
        long dataLength = elements * elementSize;
        if (dataLength > Array.MaxLength)
        {
            throw DataFormatException.AtOffset(source, offset, $"Expected at most {Array.MaxLength} bytes of data, but the header declares {dataLength}.");
        }

        byte[] data = ReadData(stream, (int)dataLength, out int read);
        if (read < dataLength)
        {
            throw DataFormatException.AtOffset(source, offset + read, $"Expected {dataLength} bytes of data after the {offset}-byte header ({string.Join(" x ", shape)} values of {elementSize} byte(s)), but the file is truncated: it ends after {read}.");
        }

        if (stream.ReadByte() >= 0)
        {
            throw DataFormatException.AtOffset(source, offset + dataLength, $"Expected the file to end after {dataLength} bytes of data, as its header declares, but it continues.");
        }

        return new IdxArray(dataType, shape, Convert(data, dataType, (int)elements));
    }

    private static float[] Convert(byte[] data, IdxDataType dataType, int elements)
    {
        float[] values = new float[elements];
        ReadOnlySpan<byte> bytes = data;
        switch (dataType)
        {
            case IdxDataType.UnsignedByte:
                for (int i = 0; i < elements; i++)
                {
                    values[i] = bytes[i];
                }

                break;
            case IdxDataType.SignedByte:
                for (int i = 0; i < elements; i++)
                {
                    values[i] = (sbyte)bytes[i];
                }

                break;
            case IdxDataType.Int16:
                for (int i = 0; i < elements; i++)
                {
                    values[i] = BinaryPrimitives.ReadInt16BigEndian(bytes.Slice(2 * i, 2));
                }

                break;
            case IdxDataType.Int32:
                for (int i = 0; i < elements; i++)
                {
                    values[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.Slice(4 * i, 4));
                }

                break;
            case IdxDataType.Single:
                for (int i = 0; i < elements; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleBigEndian(bytes.Slice(4 * i, 4));
                }

                break;
            default:
                for (int i = 0; i < elements; i++)
                {
                    values[i] = (float)BinaryPrimitives.ReadDoubleBigEndian(bytes.Slice(8 * i, 8));
                }

                break;
        }

        return values;
    }

    private static int ElementSize(IdxDataType dataType) => dataType switch
    {
        IdxDataType.UnsignedByte or IdxDataType.SignedByte => 1,
        IdxDataType.Int16 => 2,
        IdxDataType.Double => 8,
        _ => 4,
    };

    private static void ReadHeaderWord(Stream stream, Span<byte> word, ref long offset, string source, string what)
    {
        int read = stream.ReadAtLeast(word, word.Length, throwOnEndOfStream: false);
        if (read < word.Length)
        {
            throw DataFormatException.AtOffset(source, offset + read, $"Expected 4 bytes of {what} at byte offset {offset}, but the file is truncated: it ends after {read}.");
        }

        offset += word.Length;
    }

    /// <summary>
    /// Reads up to <paramref name="length"/> bytes. The buffer grows with the data that arrives (from 1 MiB, doubling)
    /// instead of being allocated at the declared size first, so a 16-byte file whose header declares two gigabytes is
    /// reported truncated without allocating them.
    /// </summary>
    private static byte[] ReadData(Stream stream, int length, out int total)
    {
        byte[] buffer = new byte[Math.Min(length, 1 << 20)];
        total = 0;
        while (total < length)
        {
            if (total == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
            }

            int read = stream.Read(buffer, total, buffer.Length - total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return buffer;
    }
}
