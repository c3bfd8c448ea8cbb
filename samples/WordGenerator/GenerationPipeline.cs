using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using NetDsl;

namespace WordGenerator;

/// <summary>The prepared data: what filtering did, the split by word, the subsets used and the three datasets of examples.</summary>
public sealed class GenerationData
{
    private readonly HashSet<string> _all;
    private readonly HashSet<string> _training;

    /// <summary>Collects the parts; <paramref name="words"/> is every kept word, <paramref name="trainingWords"/> the ones trained on.</summary>
    public GenerationData(WordFilterSummary filter, string[] words, WordSplit split, string[] trainingWords, string[] validationWords, int context)
    {
        Filter = filter;
        Words = words;
        Split = split;
        TrainingWords = trainingWords;
        ValidationWords = validationWords;
        Context = context;
        Training = CharExamples.ToDataset(trainingWords, context);
        Validation = CharExamples.ToDataset(validationWords, context);
        Test = CharExamples.ToDataset(split.Test, context);
        _all = new HashSet<string>(words, StringComparer.Ordinal);
        _training = new HashSet<string>(trainingWords, StringComparer.Ordinal);
    }

    /// <summary>What loading kept and dropped.</summary>
    public WordFilterSummary Filter { get; }

    /// <summary>Every kept word.</summary>
    public string[] Words { get; }

    /// <summary>The split of <see cref="Words"/> into training, validation and test words.</summary>
    public WordSplit Split { get; }

    /// <summary>The training words the network sees: all of <see cref="WordSplit.Training"/> or a random subset.</summary>
    public string[] TrainingWords { get; }

    /// <summary>The validation words scored after every epoch: all of <see cref="WordSplit.Validation"/> or a random subset.</summary>
    public string[] ValidationWords { get; }

    /// <summary>The tokens each example reads.</summary>
    public int Context { get; }

    /// <summary>The examples of <see cref="TrainingWords"/>.</summary>
    public Dataset Training { get; }

    /// <summary>The examples of <see cref="ValidationWords"/>.</summary>
    public Dataset Validation { get; }

    /// <summary>The examples of every test word.</summary>
    public Dataset Test { get; }

    /// <summary>Whether <paramref name="word"/> is a training word, another word of the list, or new.</summary>
    public WordOrigin Origin(string word) =>
        _training.Contains(word) ? WordOrigin.Training : _all.Contains(word) ? WordOrigin.HeldOut : WordOrigin.Novel;
}

/// <summary>The baselines' losses, in nats per character; the n-grams are fitted on the training examples.</summary>
/// <param name="UnigramTraining">The entropy of the training characters' frequencies (the unigram model on its own training examples).</param>
/// <param name="FiveGramValidation">A stronger count model for reference: the 5-gram with add-0.1 smoothing (see <see cref="GenerationPipeline.Baselines"/>).</param>
public sealed record BaselineScores(
    double UnigramTraining,
    double UnigramValidation,
    double UnigramTest,
    double BigramValidation,
    double BigramTest,
    double FiveGramValidation,
    double FiveGramTest);

/// <summary>The words generated at one temperature, each with its origin.</summary>
public sealed record TemperatureSamples(double Temperature, GeneratedWord[] Words, WordOrigin[] Origins)
{
    /// <summary>How many of the words have <paramref name="origin"/>.</summary>
    public int Count(WordOrigin origin) => Origins.Count(o => o == origin);

    /// <summary>How many words the length cap cut.</summary>
    public int Truncated => Words.Count(w => w.Truncated);

    /// <summary>The mean number of letters.</summary>
    public double MeanLength => Words.Length == 0 ? 0 : Words.Average(w => w.Text.Length);
}

/// <summary>Everything the pipeline produced.</summary>
public sealed record GenerationReport(
    GenerationData Data,
    INetwork Model,
    TrainingResult Training,
    EvaluationMetrics Validation,
    EvaluationMetrics Test,
    BaselineScores Baselines);

/// <summary>
/// The whole workflow on the word list: load and filter the words, split them by word (seeded), turn each word into one
/// example per character, measure the unigram and bigram baselines, train the network with cross-entropy, Adam and
/// early stopping on the validation loss, score the test words, and generate new words at several temperatures.
/// </summary>
public static class GenerationPipeline
{
    /// <summary>Runs the workflow with the sample's network, <see cref="CharModel"/>.</summary>
    public static GenerationReport Run(GenerationSettings settings, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Train<CharModel>(Prepare(settings, CharModel.Context), settings, progress, cancellationToken);

    /// <summary>Steps 1 and 2: loads and filters the words, splits them, takes the subsets and builds the examples for windows of <paramref name="context"/> tokens.</summary>
    public static GenerationData Prepare(GenerationSettings settings, int context)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (words, filter) = WordList.Load(settings.DataPath);
        var split = WordSplit.Create(words, settings.ValidationFraction, settings.TestFraction, settings.Seed);
        return new GenerationData(
            filter,
            words,
            split,
            Subset(split.Training, settings.TrainingWords),
            Subset(split.Validation, settings.ValidationWords),
            context);
    }

    /// <summary>
    /// The baselines, fitted on the training examples and scored on the validation and test examples: the unigram and
    /// bigram models (add-one smoothing), and, as a reference for what counting alone achieves, the 5-gram with add-0.1
    /// smoothing (the best order and smoothing on the validation words among n = 3–6 and add-1, 0.1, 0.01, with the
    /// default 30,000 training words).
    /// </summary>
    public static BaselineScores Baselines(GenerationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        NGramModel unigram = NGramModel.Fit(data.Training, order: 1), bigram = NGramModel.Fit(data.Training, order: 2);
        NGramModel fiveGram = NGramModel.Fit(data.Training, order: Math.Min(5, data.Context + 1), smoothing: 0.1);
        return new BaselineScores(
            unigram.CrossEntropy(data.Training),
            unigram.CrossEntropy(data.Validation),
            unigram.CrossEntropy(data.Test),
            bigram.CrossEntropy(data.Validation),
            bigram.CrossEntropy(data.Test),
            fiveGram.CrossEntropy(data.Validation),
            fiveGram.CrossEntropy(data.Test));
    }

    /// <summary>Step 3: trains a <typeparamref name="TModel"/> (input <c>[Context]</c> tokens, one logit per token) and scores the validation and test examples.</summary>
    public static GenerationReport Train<TModel>(GenerationData data, GenerationSettings settings, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
        where TModel : class, INetwork<TModel>
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        if (TModel.InputSize != data.Context || TModel.OutputSize != CharVocabulary.Size)
        {
            throw new ArgumentException($"Expected a network from {data.Context} tokens to {CharVocabulary.Size} logits, but {typeof(TModel).Name} has {TModel.InputSize} inputs and {TModel.OutputSize} outputs.");
        }

        BaselineScores baselines = Baselines(data);
        TModel model = TModel.Create(settings.Seed);
        var optimizer = new Adam(settings.LearningRate);
        using var trainer = new Trainer<TModel>(model, new TrainingOptions
        {
            Loss = new CrossEntropyLoss(),
            Optimizer = optimizer,
            Schedule = new CosineAnnealingLR(optimizer, tMax: settings.Epochs, minLearningRate: settings.LearningRate / 20),
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            EarlyStopping = new EarlyStopping { Monitor = Metric.ValidationLoss, Patience = settings.Patience, RestoreBestParameters = true },
            MaxGradientNorm = 5f,
            Shuffle = true,
            Seed = settings.Seed,
            Threads = settings.Threads,
        });
        TrainingResult result = trainer.Fit(data.Training, data.Validation, progress, cancellationToken);
        return new GenerationReport(data, model, result, trainer.Evaluate(data.Validation), trainer.Evaluate(data.Test), baselines);
    }

    /// <summary>
    /// Step 4: generates <see cref="GenerationSettings.SamplesPerTemperature"/> words at each temperature, each
    /// temperature from its own random stream (seeded by the settings' seed and the temperature's position).
    /// </summary>
    public static TemperatureSamples[] Generate(INetwork model, GenerationData data, GenerationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        var sampler = new WordSampler(model, data.Context, settings.MaxWordLength);
        var results = new TemperatureSamples[settings.Temperatures.Length];
        for (int t = 0; t < results.Length; t++)
        {
            var random = new SeededRandom(((long)settings.Seed << 8) + t);
            var words = new GeneratedWord[settings.SamplesPerTemperature];
            for (int i = 0; i < words.Length; i++)
            {
                words[i] = sampler.Generate(settings.Temperatures[t], random);
            }

            results[t] = new TemperatureSamples(settings.Temperatures[t], words, words.Select(w => data.Origin(w.Text)).ToArray());
        }

        return results;
    }

    private static string[] Subset(string[] words, int count) => count <= 0 || count >= words.Length ? words : words[..count];
}
