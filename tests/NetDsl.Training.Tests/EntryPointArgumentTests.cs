using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace NetDsl.Training.Tests;

/// <summary>
/// Every public entry point of the runtime that takes spans, arrays, counts or sizes rejects a wrong one with an
/// <see cref="ArgumentException"/> (or a subclass) whose message names what was expected and what arrived (issue 14,
/// point 4). One case per entry point; each feeds a wrong length or value and checks that both numbers are in the
/// message. The generated networks' own entry points are the generator's (its snapshot and bad-input tests).
/// </summary>
public class EntryPointArgumentTests
{
    public static TheoryData<string> EntryPoints => [.. Cases.Keys];

    private static Dictionary<string, (Action Call, Type Exception, string[] Mentions)> Cases { get; } = Build();

    [Theory]
    [MemberData(nameof(EntryPoints))]
    public void A_wrong_argument_is_rejected_naming_what_was_expected_and_what_arrived(string entryPoint)
    {
        var (call, type, mentions) = Cases[entryPoint];
        Exception error = Assert.ThrowsAny<Exception>(call);
        Assert.IsAssignableFrom(type, error);
        foreach (string mention in mentions)
        {
            Assert.Contains(mention, error.Message, StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, (Action, Type, string[])> Build()
    {
        var cases = new Dictionary<string, (Action, Type, string[])>();
        void Add<TException>(string name, Action call, params string[] mentions)
            where TException : Exception => cases.Add(name, (call, typeof(TException), mentions));

        float[] f13 = new float[13], f17 = new float[17];

        // Optimizers: parameters and gradients of different lengths; a second step of another length.
        Add<ArgumentException>("Sgd.Step", () => new Sgd(0.1f).Step(f13, f17), "13", "17");
        Add<ArgumentException>("Adam.Step", () => new Adam().Step(f13, f17), "13", "17");
        Add<ArgumentException>("AdamW.Step", () => new AdamW().Step(f13, f17), "13", "17");
        Add<ArgumentException>("RmsProp.Step", () => new RmsProp().Step(f13, f17), "13", "17");
        Add<ArgumentException>("Adam.Step (state of another length)", () =>
        {
            var adam = new Adam();
            adam.Step(new float[13], new float[13]);
            adam.Step(new float[17], new float[17]);
        }, "13", "17");
        Add<ArgumentException>("Sgd.Step (momentum state of another length)", () =>
        {
            var sgd = new Sgd(0.1f, momentum: 0.9f);
            sgd.Step(new float[13], new float[13]);
            sgd.Step(new float[17], new float[17]);
        }, "13", "17");
        Add<ArgumentOutOfRangeException>("Sgd.LearningRate", () => new Sgd(0.1f).LearningRate = -3f, "-3", "non-negative");
        Add<ArgumentOutOfRangeException>("Adam(beta1)", () => new Adam(beta1: 1.5f), "1.5", "[0, 1)");
        Add<ArgumentException>("GradientClipping.ClipByNorm", () => GradientClipping.ClipByNorm(f13, -2f), "-2", "positive");
        Add<ArgumentException>("GradientClipping.ClipByValue", () => GradientClipping.ClipByValue(f13, float.NaN), "NaN", "positive");

        // Losses: predictions, targets and gradients that do not describe one batch.
        Add<ArgumentException>("MeanSquaredErrorLoss.Compute", () => new MeanSquaredErrorLoss().Compute(f13, f17), "13", "17");
        Add<ArgumentException>("MeanSquaredErrorLoss.ComputeWithGradient", () => new MeanSquaredErrorLoss().ComputeWithGradient(f13, f13, f17), "13", "17");
        Add<ArgumentException>("L1Loss.Compute", () => new L1Loss().Compute(f13, f17), "13", "17");
        Add<ArgumentException>("HuberLoss.Compute", () => new HuberLoss().Compute(f13, f17), "13", "17");
        Add<ArgumentException>("SmoothL1Loss.Compute", () => new SmoothL1Loss().Compute(f13, f17), "13", "17");
        Add<ArgumentException>("BceWithLogitsLoss.Compute", () => new BceWithLogitsLoss().Compute(f13, f17), "13", "17");
        Add<ArgumentException>("BceWithLogitsLoss(positiveWeights) rows", () => new BceWithLogitsLoss(positiveWeights: [1f, 1f, 1f]).Compute(new float[13], new float[13]), "3", "13");
        Add<ArgumentException>("CrossEntropyLoss.Compute", () => new CrossEntropyLoss().Compute(f13, new float[3]), "3", "13");
        Add<ArgumentException>("CrossEntropyLoss.ComputeWithGradient", () => new CrossEntropyLoss().ComputeWithGradient(new float[12], new float[3], f17), "12", "17");
        Add<ArgumentException>("CrossEntropyLoss(classWeights)", () => new CrossEntropyLoss(classWeights: [1f, 1f, 1f]).Compute(new float[12], new float[3]), "3", "4");
        Add<ArgumentException>("CrossEntropyLoss target class", () => new CrossEntropyLoss().Compute(new float[12], [0f, 7f, 0f]), "0 to 3", "7");
        Add<ArgumentException>("CrossEntropyLoss.TargetSize", () => new CrossEntropyLoss(classWeights: [1f, 1f, 1f]).TargetSize(4), "(4)", "3");
        Add<ArgumentOutOfRangeException>("CrossEntropyLoss(labelSmoothing)", () => new CrossEntropyLoss(labelSmoothing: 1.5f), "[0, 1]", "1.5");

        // Metrics.
        Add<ArgumentException>("ConfusionMatrix.FromPredictions", () => ConfusionMatrix.FromPredictions(new int[13], new int[17], 3), "13", "17");
        Add<ArgumentOutOfRangeException>("ConfusionMatrix.FromPredictions (class)", () => ConfusionMatrix.FromPredictions([0, 9], [0, 1], 3), "[0, 3)", "9");
        Add<ArgumentOutOfRangeException>("ConfusionMatrix.this[]", () => _ = ConfusionMatrix.FromPredictions([0], [0], 3)[0, 9], "[0, 3)", "9");
        Add<ArgumentOutOfRangeException>("ConfusionMatrix.F1", () => ConfusionMatrix.FromPredictions([0], [0], 3).F1(-4), "[0, 3)", "-4");

        // Data.
        Add<ArgumentException>("Dataset(features)", () => new Dataset(f13, 4, new float[3]), "4", "13");
        Add<ArgumentException>("Dataset(targets)", () => new Dataset(new float[12], 4, f17), "3", "17");
        Add<ArgumentException>("Dataset(featureNames)", () => new Dataset(new float[12], 4, new float[3], featureNames: ["a", "b"]), "4", "2");
        Add<ArgumentOutOfRangeException>("Dataset.GetFeatures", () => Data(3).GetFeatures(17), "[0, 3)", "17");
        Add<ArgumentOutOfRangeException>("Dataset.GetTargets", () => Data(3).GetTargets(-5), "[0, 3)", "-5");
        Add<ArgumentOutOfRangeException>("Dataset.Select", () => Data(3).Select([0, 17]), "[0, 3)", "17");
        Add<ArgumentException>("Dataset.WithFeatures", () => Data(3).WithFeatures(f13), "12", "13");
        Add<ArgumentOutOfRangeException>("BatchLoader(batchSize)", () => new BatchLoader(Data(3), 0), "positive", "0");
        Add<ArgumentException>("BatchLoader(dropLast)", () => new BatchLoader(Data(3), 5, dropLast: true), "5", "3");
        Add<ArgumentOutOfRangeException>("BatchLoader.GetBatch", () => new BatchLoader(Data(3), 2).GetBatch(17), "[0, 2)", "17");
        Add<ArgumentOutOfRangeException>("BatchLoader.IndexAt", () => new BatchLoader(Data(3), 2).IndexAt(17), "[0, 3)", "17");
        Add<ArgumentException>("DatasetSplitter.Split", () => DatasetSplitter.Split(Data(3), 0.5, 0.25, 0.5, seed: 0), "0.5 + 0.25 + 0.5", "1.25");
        Add<ArgumentOutOfRangeException>("DataCleaner.Clean", () => DataCleaner.Clean(Data(3), MissingValuePolicy.ImputeConstant, float.NaN), "finite", "NaN");
        Add<ArgumentException>("Normalizer.FromStatistics", () => Normalizer.FromStatistics(f13, f17), "13", "17");
        Add<ArgumentException>("Normalizer.Transform(span)", () => Normalizer.FromStatistics(new float[4], Ones(4)).Transform(f13), "4", "13");
        Add<ArgumentException>("Normalizer.InverseTransform", () => Normalizer.FromStatistics(new float[4], Ones(4)).InverseTransform(f17), "4", "17");
        Add<ArgumentException>("Normalizer.Transform(dataset)", () => Normalizer.FromStatistics(new float[5], Ones(5)).Transform(Data(3)), "5", "4");
        Add<ArgumentException>("Normalizer.FitMinMax", () => Normalizer.FitMinMax(Data(3), 2f, 1f), "[2, 1]", "low < high");
        Add<ArgumentOutOfRangeException>("IdxLoader.Load(classCount)", () => IdxLoader.Load(new System.IO.MemoryStream([0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 1, 5]), "images", new System.IO.MemoryStream([0, 0, 8, 1, 0, 0, 0, 1, 0]), "labels", classCount: -3), "positive", "-3");

        // Schedules.
        Add<ArgumentOutOfRangeException>("StepLR(stepSize)", () => new StepLR(new Sgd(0.1f), 0), "positive", "0");
        Add<ArgumentOutOfRangeException>("CosineAnnealingLR(tMax)", () => new CosineAnnealingLR(new Sgd(0.1f), -6), "positive", "-6");
        Add<ArgumentException>("MultiStepLR(milestones)", () => new MultiStepLR(new Sgd(0.1f), [5, 3]), "5", "3");
        Add<ArgumentOutOfRangeException>("ReduceLROnPlateau(factor)", () => new ReduceLROnPlateau(new Sgd(0.1f), factor: 1.5f), "[0, 1)", "1.5");

        Add<ArgumentOutOfRangeException>("EarlyStopping.Patience", () => _ = new EarlyStopping { Patience = -4 }, "at least 1", "-4");
        Add<ArgumentOutOfRangeException>("EpochSchedule.LearningRateAt", () => new StepLR(new Sgd(0.1f), 2).LearningRateAt(-9), "epoch", "-9");
        Add<ArgumentOutOfRangeException>("Dataset.GetClass", () => Data(3).GetClass(17), "[0, 3)", "17");
        Add<KeyNotFoundException>("LayerInfo.Option", () => new TinyClassifier(1).Layers[0].Option("momentum"), "momentum", "Bias");
        Add<ArgumentOutOfRangeException>("Initializers.CalculateGain", () => Initializers.CalculateGain(Nonlinearity.LeakyReLU, float.NaN), "finite", "NaN");

        // Initialization and random numbers.
        Add<ArgumentOutOfRangeException>("Initializers.XavierUniform", () => Initializers.XavierUniform(f13, 0, 3, new SeededRandom(1)), "fanIn", "0");
        Add<ArgumentOutOfRangeException>("Initializers.PyTorchDefault", () => Initializers.PyTorchDefault(f13, -2, new SeededRandom(1)), "fanIn", "-2");
        Add<ArgumentException>("Initializers.ComputeFans", () => Initializers.ComputeFans([13]), "at least 2", "1");
        Add<ArgumentOutOfRangeException>("SeededRandom.NextInt32", () => new SeededRandom(1).NextInt32(-7), "maxExclusive", "-7");
        Add<ArgumentException>("SeededRandom.FillUniform", () => new SeededRandom(1).FillUniform(f13, 3f, -2f), "low <= high", "[3, -2]");

        // Views and weight I/O.
        Add<ArgumentException>("TensorView.CopyFrom", () => new TinyClassifier(1).Fc1.Weight.CopyFrom(f13), "32", "13");
        Add<ArgumentOutOfRangeException>("TensorView.this[int]", () => _ = new TinyClassifier(1).Fc1.Bias[17], "[0, 8)", "17");
        Add<ArgumentOutOfRangeException>("TensorView.this[int, int]", () => _ = new TinyClassifier(1).Fc1.Weight[2, 17], "[0, 4)", "17");
        Add<ArgumentException>("NamedTensor", () => _ = new NamedTensor("w", f13, 4, 4), "16", "13");
        Add<ArgumentException>("SafeTensorsWriter.Add", () => new SafeTensorsWriter().Add("w", f17, [4, 4]), "16", "17");
        Add<ArgumentException>("SafeTensorsFile.CopyFloat32", () =>
            SafeTensorsFile.Read(new SafeTensorsWriter().Add("w", new float[16], [4, 4]).ToArray()).CopyFloat32("w", f13), "16", "13");
        Add<WeightFileException>("WeightFile.LoadWeights", () =>
            WeightFile.LoadWeights(new TinyClassifier(1), new SafeTensorsWriter().Add("fc1.weight", new float[12], [3, 4]).ToArray()), "fc1.weight", "[8, 4]", "[3, 4]");

        // Trainer and data-parallel execution on TinyClassifier (4 inputs, 3 outputs).
        Add<ArgumentException>("Trainer.TrainBatch(inputs)", () => Trainer(2).TrainBatch(f13, new float[3]), "4", "13");
        Add<ArgumentException>("Trainer.TrainBatch(targets)", () => Trainer(2).TrainBatch(new float[8], new float[3]), "2", "3");
        Add<ArgumentException>("Trainer.TrainBatch(batch size)", () => Trainer(2).TrainBatch(new float[12], new float[3]), "at most 2", "3");
        Add<ArgumentException>("Trainer.Fit", () => Trainer(2).Fit(Data(3, features: 5)), "4", "5");
        Add<ArgumentException>("Trainer.Evaluate", () => Trainer(2).Evaluate(Data(3, features: 5)), "4", "5");
        Add<ArgumentOutOfRangeException>("Trainer(options.BatchSize)", () => Trainer(-8), "positive", "-8");
        Add<ArgumentOutOfRangeException>("DataParallel(threads)", () => new DataParallel<TinyClassifier>(new TinyClassifier(1), 0), "at least 1", "0");
        Add<ArgumentOutOfRangeException>("DataParallel(chunkSize)", () => new DataParallel<TinyClassifier>(new TinyClassifier(1), 1, chunkSize: -2), "at least 1", "-2");
        Add<ArgumentException>("DataParallel.ForwardBatch", () => Parallel(p => p.ForwardBatch(f13, new float[9])), "4", "13");
        Add<ArgumentException>("DataParallel.ForwardBatch(outputs)", () => Parallel(p => p.ForwardBatch(new float[12], f13)), "9", "13");
        Add<ArgumentException>("DataParallel.ForwardTraining", () => Parallel(p => p.ForwardTraining(new float[12], f17)), "9", "17");
        Add<ArgumentException>("DataParallel.Backward", () => Parallel(p =>
        {
            p.ForwardTraining(new float[12], new float[9]);
            p.Backward(f13);
        }), "9", "13");
        Add<ArgumentException>("DataParallel.Backward(inputGradients)", () => Parallel(p =>
        {
            p.ForwardTraining(new float[12], new float[9]);
            p.Backward(new float[9], f13);
        }), "12", "13");
        // 4 samples of 3 logits: 6 targets would read as 6 samples of 2 classes if nothing checked the network's size.
        Add<ArgumentException>("DataParallel.ComputeGradients(targets)", () => Parallel(p => p.ComputeGradients(new float[16], new float[6], new CrossEntropyLoss(), new float[12])), "Expected 4 targets", "6");
        Add<ArgumentException>("DataParallel.ComputeGradients(MSE targets)", () => Parallel(p => p.ComputeGradients(new float[16], f13, new MeanSquaredErrorLoss(), new float[12])), "12", "13");

        return cases;
    }

    private static float[] Ones(int length) => Enumerable.Repeat(1f, length).ToArray();

    private static Dataset Data(int count, int features = 4) =>
        new(Enumerable.Range(0, count * features).Select(i => (float)i).ToArray(), features, Enumerable.Range(0, count).Select(i => (float)(i % 3)).ToArray(), classCount: 3);

    private static Trainer<TinyClassifier> Trainer(int batchSize) =>
        new(new TinyClassifier(1), new TrainingOptions { Loss = new CrossEntropyLoss(), Optimizer = new Sgd(0.1f), BatchSize = batchSize, Epochs = 1 });

    private static void Parallel(Action<DataParallel<TinyClassifier>> call)
    {
        using var parallel = new DataParallel<TinyClassifier>(new TinyClassifier(1), threads: 2, chunkSize: 2);
        call(parallel);
    }
}
