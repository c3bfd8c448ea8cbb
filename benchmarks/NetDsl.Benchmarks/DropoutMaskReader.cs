using System;

namespace NetDsl.Benchmarks;

/// <summary>
/// Reads back which features N4's dropout kept in the last training forward pass, from observable behaviour only:
/// a backward pass whose output gradient is 1 at class 0 of sample <c>n</c> and 0 elsewhere gives the fully connected
/// layer's weight row 0 the gradient <c>d[n, :]</c>, the dropout's output for that sample, which is zero exactly where
/// the feature was dropped or was zero itself (a zero feature comes from a ReLU that passes no gradient, so its mask
/// changes nothing). Works for the plain network and for <see cref="DataParallel{TNetwork}"/>, whose backward adds
/// the chunks' gradients into the network's.
/// </summary>
public static class DropoutMaskReader
{
    /// <summary>
    /// The masks (<c>[batch, 576]</c>) of the forward pass that <paramref name="backward"/> back-propagates through;
    /// <paramref name="network"/>'s gradients are zeroed on the way and left zero.
    /// </summary>
    public static bool[] Read(INetwork network, Action<float[]> backward, int batch)
    {
        var keep = new bool[batch * N4Reference.Features];
        var outputGradient = new float[batch * N4Reference.Classes];
        for (int n = 0; n < batch; n++)
        {
            Array.Clear(outputGradient);
            outputGradient[n * N4Reference.Classes] = 1f;
            network.ZeroGradients();
            backward(outputGradient);
            ReadOnlySpan<float> row = network.Gradients.Slice(N4Reference.LinearWeightOffset, N4Reference.Features);
            for (int i = 0; i < N4Reference.Features; i++)
            {
                keep[n * N4Reference.Features + i] = row[i] != 0f;
            }
        }

        network.ZeroGradients();
        return keep;
    }
}
