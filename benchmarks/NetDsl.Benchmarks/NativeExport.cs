using System;
using System.IO;

namespace NetDsl.Benchmarks;

/// <summary>
/// Writes the cases for the C++ baselines (<c>benchmarks/native</c>), each block an int32 count followed by that many
/// float32s (little-endian). Forward cases: the parameters (PyTorch state_dict order), the inputs and NetDsl's outputs.
/// Training-step cases: the parameters, the inputs, the targets (values for MSE, class indices for cross-entropy), the
/// learning rate, and NetDsl's loss, gradients and updated parameters after one step (zero gradients, forward, loss,
/// backward, SGD) from those parameters; the same step the benchmark classes time.
/// </summary>
public static class NativeExport
{
    /// <summary>The learning rate of every training-step case (as in the benchmark classes).</summary>
    public const float LearningRate = 1e-3f;

    /// <summary>
    /// Writes n1_b1.bin, n2_b1.bin, n2_b64.bin, n3_b1.bin (forward) and n1_train_b1.bin, n2_train_b32.bin,
    /// n3_train_b32.bin (training steps) into <paramref name="directory"/>.
    /// </summary>
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

        var sgd = new Sgd(LearningRate);
        var crossEntropy = new CrossEntropyLoss();
        SaveTrainStep(Path.Combine(directory, "n1_train_b1.bin"), new N1Net(seed: 1), Check.Uniform(3, seed: 2), [0.5f], 1, (p, t, g) => new MeanSquaredErrorLoss().ComputeWithGradient(p, t, g), sgd);
        SaveTrainStep(Path.Combine(directory, "n2_train_b32.bin"), new N2Net(seed: 1), Check.Uniform(32 * 784, seed: 2), Check.Classes(32, 10), 32 * 10, crossEntropy.ComputeWithGradient, sgd);
        SaveTrainStep(Path.Combine(directory, "n3_train_b32.bin"), new N3Net(seed: 1), Check.Uniform(32 * 28 * 28, seed: 2, lo: 0f, hi: 1f), Check.Classes(32, 10), 32 * 10, crossEntropy.ComputeWithGradient, sgd);
    }

    private delegate float Loss(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradients);

    private static void SaveTrainStep(string path, INetwork model, float[] x, float[] targets, int predictionLength, Loss loss, Sgd sgd)
    {
        float[] initial = model.Parameters.ToArray();
        var prediction = new float[predictionLength];
        var gradient = new float[prediction.Length];
        model.ZeroGradients();
        model.ForwardTraining(x, prediction);
        float value = loss(prediction, targets, gradient);
        model.Backward(gradient);
        sgd.Step(model);
        using var writer = new BinaryWriter(File.Create(path));
        foreach (float[] block in (float[][])[initial, x, targets, [LearningRate], [value], model.Gradients.ToArray(), model.Parameters.ToArray()])
        {
            Write(writer, block);
        }
    }

    private static void Save(string path, float[] parameters, float[] inputs, float[] outputs)
    {
        using var writer = new BinaryWriter(File.Create(path));
        foreach (float[] block in (float[][])[parameters, inputs, outputs])
        {
            Write(writer, block);
        }
    }

    private static void Write(BinaryWriter writer, float[] block)
    {
        writer.Write(block.Length);
        foreach (float value in block)
        {
            writer.Write(value);
        }
    }
}
