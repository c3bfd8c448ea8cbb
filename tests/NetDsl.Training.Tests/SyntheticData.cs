using System;

namespace NetDsl.Training.Tests;

/// <summary>Small deterministic datasets for the trainer tests.</summary>
internal static class SyntheticData
{
    /// <summary>Three Gaussian-ish blobs in 4 dimensions: class c centred at ±1.5 on axis c (class 2 on axes 2 and 3).</summary>
    public static Dataset Blobs(int count, int seed, double noise = 0.6)
    {
        var random = new SeededRandom(seed);
        float[] features = new float[count * 4];
        float[] targets = new float[count];
        for (int i = 0; i < count; i++)
        {
            int c = i % 3;
            targets[i] = c;
            for (int f = 0; f < 4; f++)
            {
                double center = c == 0 ? (f == 0 ? 1.5 : 0) : c == 1 ? (f == 1 ? 1.5 : 0) : (f >= 2 ? -1.5 : 0);
                features[i * 4 + f] = (float)(center + noise * (random.NextDouble() * 2 - 1));
            }
        }

        return new Dataset(features, 4, targets, 1, classCount: 3);
    }

    /// <summary>Random features with random labels: a training set can only be memorized, so validation loss rises as it is.</summary>
    public static Dataset Noise(int count, int seed)
    {
        var random = new SeededRandom(seed);
        float[] features = new float[count * 4];
        float[] targets = new float[count];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = (float)(random.NextDouble() * 2 - 1);
        }

        for (int i = 0; i < count; i++)
        {
            targets[i] = random.NextInt32(3);
        }

        return new Dataset(features, 4, targets, 1, classCount: 3);
    }

    /// <summary>y = 2 x0 − 3 x1 + 1 with a little noise.</summary>
    public static Dataset Linear(int count, int seed)
    {
        var random = new SeededRandom(seed);
        float[] features = new float[count * 2];
        float[] targets = new float[count];
        for (int i = 0; i < count; i++)
        {
            float x0 = (float)(random.NextDouble() * 2 - 1), x1 = (float)(random.NextDouble() * 2 - 1);
            features[2 * i] = x0;
            features[2 * i + 1] = x1;
            targets[i] = 2 * x0 - 3 * x1 + 1 + (float)(0.01 * (random.NextDouble() - 0.5));
        }

        return new Dataset(features, 2, targets);
    }

    /// <summary>Label 1 when x0 + x1 − x2 &gt; 0.</summary>
    public static Dataset Binary(int count, int seed)
    {
        var random = new SeededRandom(seed);
        float[] features = new float[count * 3];
        float[] targets = new float[count];
        for (int i = 0; i < count; i++)
        {
            double sum = 0;
            for (int f = 0; f < 3; f++)
            {
                double x = random.NextDouble() * 2 - 1;
                features[3 * i + f] = (float)x;
                sum += f == 2 ? -x : x;
            }

            targets[i] = sum > 0 ? 1f : 0f;
        }

        return new Dataset(features, 3, targets, 1, classCount: 2);
    }
}
