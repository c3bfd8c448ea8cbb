using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Xunit;

namespace NetDsl.Training.Tests;

public class TrainerTests
{
    private static TrainingOptions Options(IOptimizer? optimizer = null, int epochs = 20, int batchSize = 16, int seed = 0) => new()
    {
        Loss = new CrossEntropyLoss(),
        Optimizer = optimizer ?? new Adam(0.02f),
        Epochs = epochs,
        BatchSize = batchSize,
        Seed = seed,
    };

    /// <summary>Reports synchronously (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
    private sealed class Recorder(Action<TrainingProgress>? onReport = null) : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];

        public void Report(TrainingProgress value)
        {
            Reports.Add(value);
            onReport?.Invoke(value);
        }
    }

    [Fact]
    public void Trains_a_classifier_with_validation_metrics_every_epoch()
    {
        var model = new TinyClassifier(seed: 1);
        var trainer = new Trainer<TinyClassifier>(model, Options());
        TrainingResult result = trainer.Fit(SyntheticData.Blobs(240, seed: 1), SyntheticData.Blobs(90, seed: 2));

        Assert.Equal(StopReason.Completed, result.StopReason);
        Assert.Equal(20, result.History.Count);
        Assert.Equal(Enumerable.Range(1, 20), result.History.Select(e => e.Epoch));
        EpochMetrics last = result.Last!;
        Assert.True(last.TrainingLoss < result.History[0].TrainingLoss);
        Assert.True(last.Validation!.Accuracy > 0.95, $"validation accuracy {last.Validation.Accuracy}");
        Assert.Equal(3, last.Validation.ConfusionMatrix!.ClassCount);
        Assert.Equal(90, last.Validation.ConfusionMatrix.Total);
        Assert.Equal(3, last.Validation.Precision!.Count);
        Assert.Null(last.Validation.MeanAbsoluteError);
        Assert.True(last.SamplesPerSecond > 0);
        Assert.Null(result.BestEpoch);

        EvaluationMetrics test = trainer.Evaluate(SyntheticData.Blobs(60, seed: 3));
        Assert.True(test.Accuracy > 0.95);
        Assert.Equal(60, test.Count);
    }

    [Fact]
    public void Metrics_of_a_known_prediction()
    {
        var model = new TinyClassifier(seed: 1);
        model.Parameters.Clear(); // every logit 0: every sample predicted as class 0, loss ln 3
        var trainer = new Trainer<TinyClassifier>(model, Options(batchSize: 4));
        var data = new Dataset(new float[10 * 4], 4, [0f, 0f, 1f, 2f, 2f, 2f, 0f, 1f, 1f, 0f], 1, classCount: 3);
        EvaluationMetrics metrics = trainer.Evaluate(data);
        Assert.Equal(Math.Log(3), metrics.Loss, 6);
        Assert.Equal(0.4, metrics.Accuracy);
        Assert.Equal(4, metrics.ConfusionMatrix![0, 0]);
        Assert.Equal(3, metrics.ConfusionMatrix[2, 0]);
        Assert.Equal([0.4, 0, 0], metrics.Precision);
        Assert.Equal([1.0, 0, 0], metrics.Recall);
    }

    [Fact]
    public void Confusion_matrix_computes_precision_recall_and_F1()
    {
        ConfusionMatrix matrix = ConfusionMatrix.FromPredictions([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], 3);
        Assert.Equal(4.0 / 6, matrix.Accuracy, 10);
        Assert.Equal(1.0, matrix.Precision(0));
        Assert.Equal(2.0 / 3, matrix.Recall(0), 10);
        Assert.Equal(0.5, matrix.Precision(1));
        Assert.Equal(0.5, matrix.Recall(1));
        Assert.Equal(0.5, matrix.F1(1));
        Assert.Equal(2, matrix.Support(1));
        Assert.Contains("actual\\pred", matrix.ToString());
    }

    [Fact]
    public void Early_stopping_restores_the_parameters_of_the_best_epoch()
    {
        var model = new TinyClassifier(seed: 3);
        var snapshots = new Dictionary<int, float[]>();
        var recorder = new Recorder(report =>
        {
            if (report.CompletedEpoch is { } epoch)
            {
                snapshots[epoch.Epoch] = model.Parameters.ToArray();
            }
        });
        var options = new TrainingOptions
        {
            Loss = new CrossEntropyLoss(),
            Optimizer = new Adam(0.05f),
            Epochs = 200,
            BatchSize = 8,
            EarlyStopping = new EarlyStopping { Monitor = Metric.ValidationLoss, Patience = 4 },
        };

        // Random labels: fitting the training set only makes the validation loss worse after the first epochs.
        TrainingResult result = new Trainer<TinyClassifier>(model, options).Fit(SyntheticData.Noise(48, seed: 5), SyntheticData.Noise(48, seed: 6), recorder);

        Assert.Equal(StopReason.EarlyStopped, result.StopReason);
        int best = result.BestEpoch!.Value;
        double[] losses = result.History.Select(e => e.Validation!.Loss).ToArray();
        Assert.Equal(Array.IndexOf(losses, losses.Min()) + 1, best);
        Assert.Equal(best + 4, result.History.Count);
        Assert.True(result.RestoredBestParameters);
        Assert.Equal(snapshots[best], model.Parameters.ToArray());
        Assert.NotEqual(snapshots[result.History.Count], model.Parameters.ToArray());
        Assert.Same(result.History[best - 1], result.Best);
    }

    [Fact]
    public void Early_stopping_can_monitor_a_metric_that_should_rise()
    {
        var options = new TrainingOptions
        {
            Loss = new CrossEntropyLoss(),
            Optimizer = new Adam(0.02f),
            Epochs = 40,
            EarlyStopping = new EarlyStopping { Monitor = Metric.TrainingAccuracy, Patience = 3, MinDelta = 1.0, RestoreBestParameters = false },
        };
        TrainingResult result = new Trainer<TinyClassifier>(new TinyClassifier(seed: 1), options).Fit(SyntheticData.Blobs(60, seed: 1));

        // Accuracy cannot improve by more than 1 after the first epoch: training stops after 1 + patience epochs.
        Assert.Equal(StopReason.EarlyStopped, result.StopReason);
        Assert.Equal(1, result.BestEpoch);
        Assert.Equal(4, result.History.Count);
        Assert.False(result.RestoredBestParameters);
    }

    [Fact]
    public void Cancellation_stops_cleanly_between_batches()
    {
        var model = new TinyClassifier(seed: 2);
        using var cancellation = new CancellationTokenSource();
        float[]? afterLastBatch = null;
        var recorder = new Recorder(report =>
        {
            if (report is { Epoch: 2, Batch: 3, CompletedEpoch: null })
            {
                afterLastBatch = model.Parameters.ToArray();
                cancellation.Cancel();
            }
        });

        TrainingResult result = new Trainer<TinyClassifier>(model, Options(batchSize: 10)).Fit(SyntheticData.Blobs(100, seed: 1), null, recorder, cancellation.Token);

        Assert.Equal(StopReason.Cancelled, result.StopReason);
        Assert.Single(result.History);
        Assert.Equal(afterLastBatch, model.Parameters.ToArray());
        Assert.Equal(10 + 1 + 3, recorder.Reports.Count); // epoch 1: 10 batches and its end; epoch 2: 3 batches
    }

    [Fact]
    public void A_non_finite_loss_stops_training_naming_the_epoch_and_batch_and_keeps_the_last_good_parameters()
    {
        Dataset data = SyntheticData.Blobs(40, seed: 1);
        float[] features = data.Features.ToArray();
        features[9 * 4 + 2] = float.NaN; // sample 9: batch 3 of 4 without shuffling
        var poisoned = new Dataset(features, 4, data.Targets, 1, classCount: 3);
        var model = new TinyClassifier(seed: 2);
        float[]? beforeBatch = null;
        var recorder = new Recorder(report => beforeBatch = model.Parameters.ToArray());
        var options = new TrainingOptions { Loss = new CrossEntropyLoss(), Optimizer = new Sgd(0.1f), BatchSize = 4, Shuffle = false };

        var error = Assert.Throws<TrainingDivergedException>(() => new Trainer<TinyClassifier>(model, options).Fit(poisoned, null, recorder));

        Assert.Equal((1, 3), (error.Epoch, error.Batch));
        Assert.StartsWith("Training diverged in epoch 1, batch 3 of 10: the loss is NaN.", error.Message);
        Assert.Equal(beforeBatch, model.Parameters.ToArray());
        Assert.Empty(error.History);
    }

    [Fact]
    public void An_exploding_step_is_undone_and_reported()
    {
        var model = new LinearRegressor(seed: 4);
        float[] initial = model.Parameters.ToArray();
        var options = new TrainingOptions { Loss = new MeanSquaredErrorLoss(), Optimizer = new Sgd(3e38f), BatchSize = 8 };
        Dataset data = SyntheticData.Linear(32, seed: 1);

        var error = Assert.Throws<TrainingDivergedException>(() => new Trainer<LinearRegressor>(model, options).Fit(data));

        Assert.Equal((1, 1), (error.Epoch, error.Batch));
        Assert.Contains("the optimizer step made fc.", error.Reason);
        Assert.Equal(initial, model.Parameters.ToArray());
    }

    [Fact]
    public void Divergence_in_a_step_outside_Fit_names_no_epoch()
    {
        var model = new LinearRegressor(seed: 4);
        var trainer = new Trainer<LinearRegressor>(model, new TrainingOptions { Loss = new MeanSquaredErrorLoss(), Optimizer = new Sgd(0.1f), BatchSize = 2 });
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.TrainBatch([1e30f, 1e30f, 1f, 1f], [0f, 0f]));
        Assert.Equal((0, 0), (error.Epoch, error.Batch));
        Assert.StartsWith("Training diverged in a training step:", error.Message);
    }

    [Fact]
    public void Training_is_deterministic_for_a_seed()
    {
        static (float[] Parameters, double[] Losses) Run(int shuffleSeed)
        {
            var model = new TinyClassifier(seed: 9);
            TrainingResult result = new Trainer<TinyClassifier>(model, Options(epochs: 5, seed: shuffleSeed)).Fit(SyntheticData.Blobs(120, seed: 1), SyntheticData.Blobs(30, seed: 2));
            return (model.Parameters.ToArray(), result.History.Select(e => e.Validation!.Loss).ToArray());
        }

        var first = Run(shuffleSeed: 1);
        var second = Run(shuffleSeed: 1);
        var other = Run(shuffleSeed: 2);
        Assert.Equal(first.Parameters, second.Parameters);
        Assert.Equal(first.Losses, second.Losses);
        Assert.NotEqual(first.Parameters, other.Parameters);
    }

    [Fact]
    public void A_schedule_sets_each_epochs_learning_rate()
    {
        var sgd = new Sgd(0.1f, momentum: 0.9f);
        var options = new TrainingOptions { Loss = new CrossEntropyLoss(), Optimizer = sgd, Schedule = new StepLR(sgd, stepSize: 2, gamma: 0.5f), Epochs = 5 };
        TrainingResult result = new Trainer<TinyClassifier>(new TinyClassifier(seed: 1), options).Fit(SyntheticData.Blobs(30, seed: 1));
        Assert.Equal([0.1f, 0.1f, 0.05f, 0.05f, 0.025f], result.History.Select(e => e.LearningRate));
        Assert.Equal(0.025f, sgd.LearningRate); // epoch 6 would run at 0.1 * 0.5^(5 / 2)
    }

    [Fact]
    public void ReduceLROnPlateau_is_fed_the_monitored_metric()
    {
        var adam = new Adam(0.05f);
        var options = new TrainingOptions
        {
            Loss = new CrossEntropyLoss(),
            Optimizer = adam,
            Schedule = new ReduceLROnPlateau(adam, factor: 0.5f, patience: 1),
            ScheduleMetric = Metric.ValidationLoss,
            Epochs = 30,
            BatchSize = 8,
        };
        TrainingResult result = new Trainer<TinyClassifier>(new TinyClassifier(seed: 3), options).Fit(SyntheticData.Noise(48, seed: 5), SyntheticData.Noise(48, seed: 6));
        Assert.True(adam.LearningRate < 0.05f, "the validation loss of random labels plateaus, so the rate must have been reduced");
        Assert.Equal(0.05f, result.History[0].LearningRate);

        var noValidation = new Trainer<TinyClassifier>(new TinyClassifier(seed: 3), options);
        var error = Assert.Throws<ArgumentException>(() => noValidation.Fit(SyntheticData.Noise(48, seed: 5)));
        Assert.Contains("ScheduleMetric monitors ValidationLoss, which needs a validation set", error.Message);
    }

    [Fact]
    public void Gradient_clipping_bounds_each_step()
    {
        var sgd = new Sgd(1f);
        var model = new LinearRegressor(seed: 1);
        var trainer = new Trainer<LinearRegressor>(model, new TrainingOptions { Loss = new MeanSquaredErrorLoss(), Optimizer = sgd, BatchSize = 4, MaxGradientNorm = 0.01f });
        float[] before = model.Parameters.ToArray();
        trainer.TrainBatch([5f, 5f, -5f, 5f, 5f, -5f, 1f, 1f], [100f, -100f, 50f, 3f]);
        double moved = Math.Sqrt(before.Zip(model.Parameters.ToArray(), (a, b) => (double)(a - b) * (a - b)).Sum());
        Assert.True(moved <= 0.0101, $"moved {moved}");
    }

    [Fact]
    public void Trains_a_regressor_and_reports_MAE_and_RMSE()
    {
        var model = new LinearRegressor(seed: 2);
        var options = new TrainingOptions { Loss = new MeanSquaredErrorLoss(), Optimizer = new Adam(0.05f), Epochs = 60, BatchSize = 16 };
        var trainer = new Trainer<LinearRegressor>(model, options);
        TrainingResult result = trainer.Fit(SyntheticData.Linear(200, seed: 1), SyntheticData.Linear(50, seed: 2));
        EvaluationMetrics validation = result.Last!.Validation!;
        Assert.True(validation.MeanAbsoluteError < 0.05, $"MAE {validation.MeanAbsoluteError}");
        Assert.True(validation.RootMeanSquaredError >= validation.MeanAbsoluteError);
        Assert.Null(validation.Accuracy);
        Assert.Null(result.Last.TrainingAccuracy);
        Assert.Equal(2f, model.Fc.Weight[0, 0], 1);
        Assert.Equal(-3f, model.Fc.Weight[0, 1], 1);
    }

    [Fact]
    public void Trains_a_binary_classifier_with_binary_cross_entropy()
    {
        var options = new TrainingOptions { Loss = new BceWithLogitsLoss(), Optimizer = new Adam(0.05f), Epochs = 30, BatchSize = 16 };
        var trainer = new Trainer<BinaryClassifier>(new BinaryClassifier(seed: 1), options);
        TrainingResult result = trainer.Fit(SyntheticData.Binary(200, seed: 1), SyntheticData.Binary(100, seed: 2));
        EvaluationMetrics validation = result.Last!.Validation!;
        Assert.True(validation.Accuracy > 0.9, $"accuracy {validation.Accuracy}");
        Assert.Equal(2, validation.ConfusionMatrix!.ClassCount);
    }

    [Fact]
    public void Progress_is_reported_after_every_batch_and_every_epoch()
    {
        var recorder = new Recorder();
        TrainingResult result = new Trainer<TinyClassifier>(new TinyClassifier(seed: 1), Options(epochs: 3, batchSize: 25)).Fit(SyntheticData.Blobs(60, seed: 1), null, recorder);
        Assert.Equal(3 * (3 + 1), recorder.Reports.Count);
        TrainingProgress[] ends = recorder.Reports.Where(r => r.CompletedEpoch is not null).ToArray();
        Assert.Equal(result.History, ends.Select(r => r.CompletedEpoch!));
        TrainingProgress first = recorder.Reports[0];
        Assert.Equal((1, 3, 1, 3), (first.Epoch, first.EpochCount, first.Batch, first.BatchCount));
        Assert.True(first.SamplesPerSecond > 0);
        Assert.Equal(first.BatchLoss, (float)first.EpochLoss, 5);
    }

    [Fact]
    public void Mismatched_data_and_options_are_rejected_with_what_was_expected()
    {
        var trainer = new Trainer<TinyClassifier>(new TinyClassifier(seed: 1), Options());
        var features = Assert.Throws<ArgumentException>(() => trainer.Fit(new Dataset(new float[6], 3, new float[2], 1, classCount: 3)));
        Assert.Contains("Expected samples of 4 features (TinyClassifier.InputSize), but the training set has 3.", features.Message);
        var classes = Assert.Throws<ArgumentException>(() => trainer.Fit(new Dataset(new float[8], 4, new float[2])));
        Assert.Contains("expects class-index targets, but the training set has no classes", classes.Message);
        var tooMany = Assert.Throws<ArgumentException>(() => trainer.Fit(new Dataset(new float[8], 4, [0f, 4f], 1, classCount: 5)));
        Assert.Contains("Expected at most 3 classes (TinyClassifier.OutputSize logits), but the training set has 5.", tooMany.Message);
        var earlyStopping = Assert.Throws<ArgumentException>(() => new Trainer<TinyClassifier>(new TinyClassifier(1), new TrainingOptions { Loss = new CrossEntropyLoss(), Optimizer = new Sgd(0.1f), EarlyStopping = new EarlyStopping() }).Fit(SyntheticData.Blobs(9, 1)));
        Assert.Contains("EarlyStopping monitors ValidationLoss, which needs a validation set", earlyStopping.Message);

        var schedule = Assert.Throws<ArgumentException>(() => new Trainer<TinyClassifier>(new TinyClassifier(1), new TrainingOptions { Loss = new CrossEntropyLoss(), Optimizer = new Sgd(0.1f), Schedule = new StepLR(new Sgd(0.1f), 1) }));
        Assert.Contains("bound to a different optimizer", schedule.Message);
        Assert.Throws<ArgumentException>(() => new Trainer<LinearRegressor>(new LinearRegressor(1), new TrainingOptions { Loss = new CrossEntropyLoss(), Optimizer = new Sgd(0.1f) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<TinyClassifier>(new TinyClassifier(1), Options(epochs: 0)));
        var batch = Assert.Throws<ArgumentException>(() => trainer.TrainBatch(new float[4 * 17], new float[17]));
        Assert.Contains("Expected at most 16 samples (the batch size), but got 17.", batch.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping { Patience = 0 });
        var accuracy = Assert.Throws<ArgumentException>(() => new Trainer<LinearRegressor>(new LinearRegressor(1), new TrainingOptions { Loss = new L1Loss(), Optimizer = new Sgd(0.1f), EarlyStopping = new EarlyStopping { Monitor = Metric.ValidationAccuracy } }));
        Assert.Contains("EarlyStopping monitors ValidationAccuracy, which needs a classification loss", accuracy.Message);
    }

    /// <summary>
    /// One class index per sample against a per-step output [T, C] would train as one softmax over T·C classes without a
    /// word (the WordGenerator helper's reproduction); the trainer refuses it and says what to do instead.
    /// </summary>
    [Fact]
    public void A_class_index_loss_on_a_per_step_output_is_refused()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() =>
            new Trainer<PerStepTagger>(new PerStepTagger(1), new TrainingOptions { Loss = new CrossEntropyLoss(), Optimizer = new Sgd(0.1f) }));

        Assert.Contains("PerStepTagger outputs shape [8, 28]: its 224 values would be one softmax over 224 classes", error.Message, StringComparison.Ordinal);
        Assert.Contains("[LastStep]", error.Message, StringComparison.Ordinal);
        Assert.Contains("For one target per step, use new CrossEntropyLoss(classes: 28)", error.Message, StringComparison.Ordinal);

        // Rows that are not the output's last dimension are refused too.
        ArgumentException rows = Assert.Throws<ArgumentException>(() =>
            new Trainer<PerStepTagger>(new PerStepTagger(1), new TrainingOptions { Loss = new CrossEntropyLoss(classes: 14), Optimizer = new Sgd(0.1f) }));
        Assert.Contains("reads rows of 14 logits, but PerStepTagger outputs shape [8, 28], whose last dimension is 28: expected classes: 28", rows.Message, StringComparison.Ordinal);

        // A sequence of one step has as many logits as classes: classes: C still means rows of C, and is accepted.
        Assert.NotNull(new Trainer<OneStepTagger>(new OneStepTagger(1), new TrainingOptions { Loss = new CrossEntropyLoss(classes: 6), Optimizer = new Sgd(0.1f) }));

        // Reduced to one vector per sample, the same layers train.
        var reduced = new Trainer<PerStepTaggerLastStep>(new PerStepTaggerLastStep(1), new TrainingOptions { Loss = new CrossEntropyLoss(), Optimizer = new Sgd(0.1f) });
        Assert.NotNull(reduced);
    }

    /// <summary>
    /// A per-step head trained with one class target per step (<c>CrossEntropyLoss(classes: 28)</c>): each step predicts
    /// the token before it, which the GRU must remember; the first step and the padding after a short sequence are
    /// ignored (-100), in the loss and in the accuracy, on two threads.
    /// </summary>
    [Fact]
    public void A_per_step_head_trains_with_one_class_target_per_step_and_ignored_steps()
    {
        static Dataset PreviousTokens(int count, int seed)
        {
            var random = new Random(seed);
            float[] tokens = new float[count * 8], targets = new float[count * 8];
            for (int n = 0; n < count; n++)
            {
                int length = random.Next(4, 9);
                for (int t = 0; t < 8; t++)
                {
                    tokens[(n * 8) + t] = t < length ? random.Next(1, 28) : 0;
                    targets[(n * 8) + t] = t == 0 || t >= length ? Dataset.IgnoredTarget : tokens[(n * 8) + t - 1];
                }
            }

            return new Dataset(tokens, 8, targets, targetWidth: 8, classCount: 28);
        }

        var options = new TrainingOptions { Loss = new CrossEntropyLoss(classes: 28), Optimizer = new Adam(0.01f), Epochs = 12, BatchSize = 32, Threads = 2, Seed = 3 };
        var trainer = new Trainer<PerStepTagger>(new PerStepTagger(seed: 1), options);
        Dataset validation = PreviousTokens(128, seed: 2);
        TrainingResult result = trainer.Fit(PreviousTokens(768, seed: 1), validation);

        EpochMetrics last = result.Last!;
        Assert.True(last.TrainingLoss < result.History[0].TrainingLoss / 3, $"training loss {result.History[0].TrainingLoss} -> {last.TrainingLoss}");
        Assert.True(last.Validation!.Accuracy > 0.9, $"validation accuracy {last.Validation.Accuracy}");
        int counted = validation.Targets.ToArray().Count(t => t != Dataset.IgnoredTarget);
        Assert.Equal(counted, last.Validation.ConfusionMatrix!.Total);
        Assert.Equal(28, last.Validation.ConfusionMatrix.ClassCount);
    }
}

[Network]
[Input(8)]
[Embedding(28, 16, PaddingIndex = 0)]
[GRU(32)]
[Linear(28)]
public partial class PerStepTagger;

[Network]
[Input(8)]
[Embedding(28, 16, PaddingIndex = 0)]
[GRU(32)]
[LastStep]
[Linear(28)]
public partial class PerStepTaggerLastStep;

[Network]
[Input(1)]
[Embedding(6, 4)]
[GRU(4)]
[Linear(6)]
public partial class OneStepTagger;
