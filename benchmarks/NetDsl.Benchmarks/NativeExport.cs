using System;
using System.IO;

namespace NetDsl.Benchmarks;

/// <summary>
/// Writes the forward cases for the C++ baseline (<c>benchmarks/native</c>): per case, the parameters (PyTorch
/// state_dict order), the inputs and NetDsl's outputs, each as an int32 count followed by that many float32s (little-endian).
/// </summary>
public static class NativeExport
{
    /// <summary>Writes n1_b1.bin, n2_b1.bin, n2_b64.bin and n3_b1.bin into <paramref name="directory"/>.</summary>
    public static void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var n1 = new N1Net(seed: 1);
        float[] x1 = Check.Uniform(3, seed: 2);
        var y1 = new float[1];
        n1.Forward(x1, y1);
        Save(Path.Combine(directory, "n1_b1.bin"), n1.Parameters.ToArray(), x1, y1);

        var n2 = new N2Net(seed: 1);
        foreach (int batch in (int[])[1, 64])
        {
            float[] x = Check.Uniform(batch * 784, seed: 2);
            var y = new float[batch * 10];
            n2.ForwardBatch(x, y);
            Save(Path.Combine(directory, $"n2_b{batch}.bin"), n2.Parameters.ToArray(), x, y);
        }

        var n3 = new N3Net(seed: 1);
        float[] x3 = Check.Uniform(28 * 28, seed: 2, lo: 0f, hi: 1f);
        var y3 = new float[10];
        n3.Forward(x3, y3);
        Save(Path.Combine(directory, "n3_b1.bin"), n3.Parameters.ToArray(), x3, y3);
    }

    private static void Save(string path, float[] parameters, float[] inputs, float[] outputs)
    {
        using var writer = new BinaryWriter(File.Create(path));
        foreach (float[] block in (float[][])[parameters, inputs, outputs])
        {
            writer.Write(block.Length);
            foreach (float value in block)
            {
                writer.Write(value);
            }
        }
    }
}
