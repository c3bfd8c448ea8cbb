using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using WordGenerator;
using Xunit;

namespace NetDsl.Training.Tests;

/// <summary>
/// The word generation sample (issue 13, "Samples that prove it" 2): the vocabulary and its encoding, the filtering of the
/// bundled word list, the examples' windows and targets, the split by word, the n-gram baselines, temperature sampling
/// and a short training run.
/// </summary>
public class WordGeneratorTests
{
    private static readonly string DataPath = new GenerationSettings().DataPath;

    [Fact]
    public void The_vocabulary_round_trips_every_letter_and_keeps_the_two_special_tokens_apart()
    {
        var tokens = new HashSet<int> { CharVocabulary.Padding, CharVocabulary.End };
        for (char c = 'a'; c <= 'z'; c++)
        {
            int token = CharVocabulary.Encode(c);
            Assert.InRange(token, 0, CharVocabulary.Size - 1);
            Assert.True(tokens.Add(token), $"'{c}' has a token of its own");
            Assert.Equal(c, CharVocabulary.Decode(token));
        }

        Assert.Equal(CharVocabulary.Size, tokens.Count);
        Assert.Equal(CharVocabulary.Size, CharModel.OutputSize);
        Assert.Equal(CharModel.Context, CharModel.InputSize);

        string word = "quizzical";
        int[] encoded = CharVocabulary.Encode(word);
        Assert.Equal(word.Length, encoded.Length);
        Assert.Equal(word, CharVocabulary.Decode(encoded));
        Assert.Equal("_$", CharVocabulary.Decode([CharVocabulary.Padding, CharVocabulary.End]));

        foreach (char other in "A'é -0")
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => CharVocabulary.Encode(other));
        }

        Assert.False(CharVocabulary.CanEncode("Boston"));
        Assert.False(CharVocabulary.CanEncode("cat's"));
        Assert.False(CharVocabulary.CanEncode(""));
        Assert.Throws<ArgumentOutOfRangeException>(() => CharVocabulary.Decode(CharVocabulary.Size));
    }

    [Fact]
    public void Filtering_keeps_lowercase_words_once_and_counts_the_others_by_their_first_reason()
    {
        var (words, summary) = WordList.Filter(["cat", "Cat", "cat's", "Cat's", "café", "cat", "", "  dog ", "ABC", "x-ray"]);

        Assert.Equal(["cat", "dog"], words);
        Assert.Equal(new WordFilterSummary(Lines: 9, Kept: 2, Apostrophe: 2, Capital: 2, OtherCharacter: 2, Duplicate: 1), summary);
        Assert.Equal(7, summary.Dropped);
    }

    [Fact]
    public void The_bundled_list_keeps_exactly_its_distinct_lowercase_a_to_z_lines()
    {
        Assert.True(File.Exists(DataPath), $"the bundled word list is copied next to the tests: {DataPath}");
        var (words, summary) = WordList.Load(DataPath);

        // Counted independently: the raw lines through a regular expression.
        using var reader = new StreamReader(new GZipStream(File.OpenRead(DataPath), CompressionMode.Decompress));
        string[] lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var lowercase = new Regex("^[a-z]+$");
        string[] expected = lines.Where(l => lowercase.IsMatch(l)).Distinct().ToArray();

        Assert.Equal(lines.Length, summary.Lines);
        Assert.Equal(expected, words);
        Assert.Equal(lines.Count(l => l.Contains('\'')), summary.Apostrophe);
        Assert.Equal(lines.Length - expected.Length, summary.Dropped);
        Assert.Equal(summary.Dropped, summary.Apostrophe + summary.Capital + summary.OtherCharacter + summary.Duplicate);
        Assert.True(summary.OtherCharacter > 0, "the list has accented words, which are dropped");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(CharModel.Context)]
    public void Each_character_becomes_one_example_whose_window_is_the_left_padded_characters_before_it(int context)
    {
        string[] words = ["cat", "a", "abcdefghijklmno"];
        Dataset data = CharExamples.ToDataset(words, context);

        Assert.Equal(words.Sum(w => w.Length + 1), data.Count);
        Assert.Equal(context, data.FeatureCount);
        Assert.Equal(CharVocabulary.Size, data.ClassCount);
        int row = 0;
        foreach (string word in words)
        {
            for (int i = 0; i <= word.Length; i++, row++)
            {
                // Written out by hand: the padding symbol repeated, then the letters so far, the last `context` characters of that.
                string padded = new string('_', context) + word[..i];
                Assert.Equal(padded[^context..], CharVocabulary.Decode(data.GetFeatures(row)));
                Assert.Equal(i < word.Length ? word[i] : '$', CharVocabulary.Decode(data.GetClass(row)));
            }
        }

        // "cat" with 4 tokens of context, as the program prints it.
        Dataset cat = CharExamples.ToDataset(["cat"], 4);
        string[] shown = Enumerable.Range(0, cat.Count).Select(i => $"{CharVocabulary.Decode(cat.GetFeatures(i))}>{CharVocabulary.Decode(cat.GetClass(i))}").ToArray();
        Assert.Equal(["____>c", "___c>a", "__ca>t", "_cat>$"], shown);
        Assert.Equal([0f, 0f, 0f, 0f], cat.GetFeatures(0).ToArray()); // padding is token 0, the embedding's PaddingIndex
    }

    [Fact]
    public void The_split_is_by_word_seeded_disjoint_and_complete()
    {
        var (words, _) = WordList.Load(DataPath);
        WordSplit split = WordSplit.Create(words, 0.1, 0.1, seed: 42);

        Assert.Equal((int)Math.Round(words.Length * 0.1), split.Validation.Length);
        Assert.Equal((int)Math.Round(words.Length * 0.1), split.Test.Length);
        Assert.Equal(words.Length, split.Training.Length + split.Validation.Length + split.Test.Length);
        var training = new HashSet<string>(split.Training);
        Assert.DoesNotContain(split.Validation, training.Contains);
        Assert.DoesNotContain(split.Test, training.Contains);
        Assert.Empty(split.Validation.Intersect(split.Test));
        Assert.Equal(words.OrderBy(w => w, StringComparer.Ordinal), split.Training.Concat(split.Validation).Concat(split.Test).OrderBy(w => w, StringComparer.Ordinal));

        // Reproducible under the seed, different under another; and a shuffle, not the file's alphabetical order.
        Assert.Equal(split.Test, WordSplit.Create(words, 0.1, 0.1, seed: 42).Test);
        Assert.NotEqual(split.Test, WordSplit.Create(words, 0.1, 0.1, seed: 43).Test);
        Assert.NotEqual(split.Test.OrderBy(w => w, StringComparer.Ordinal), split.Test);

        // Words are split, not examples: the pipeline's datasets hold exactly the examples of their words.
        GenerationData data = GenerationPipeline.Prepare(new GenerationSettings { TrainingWords = 300, ValidationWords = 100, TestFraction = 0.01 }, CharModel.Context);
        Assert.Equal(CharExamples.Count(data.TrainingWords), data.Training.Count);
        Assert.Equal(CharExamples.Count(data.ValidationWords), data.Validation.Count);
        Assert.Equal(CharExamples.Count(data.Split.Test), data.Test.Count);
        Assert.Equal(data.Split.Training[..300], data.TrainingWords);
        Assert.Equal(WordOrigin.Training, data.Origin(data.TrainingWords[0]));
        Assert.Equal(WordOrigin.HeldOut, data.Origin(data.Split.Test[0]));
        Assert.Equal(WordOrigin.HeldOut, data.Origin(data.Split.Training[300])); // a training word left out of the subset
        Assert.Equal(WordOrigin.Novel, data.Origin("blorptastic"));

        Assert.Throws<ArgumentException>(() => WordSplit.Create(["cat", "dog", "cat"], 0.1, 0.1, 1));
    }

    [Fact]
    public void The_unigram_and_bigram_baselines_are_add_one_smoothed_counts_of_the_training_characters()
    {
        // Training "ab" and "b": targets a, b, $ and b, $ after the windows "__", "_a", "ab" and "__", "_b".
        Dataset training = CharExamples.ToDataset(["ab", "b"], context: 2);
        Dataset test = CharExamples.ToDataset(["ba"], context: 2); // targets b, a, $ after "__", "_b", "ba"
        const double Outcomes = 27; // 26 letters and the end marker

        // Unigram: a 1, b 2, $ 2 of 5.
        double unigram = -(Math.Log(3 / (5 + Outcomes)) + Math.Log(2 / (5 + Outcomes)) + Math.Log(3 / (5 + Outcomes))) / 3;
        Assert.Equal(unigram, NGramModel.Fit(training, 1).CrossEntropy(test), 12);

        // Bigram, by the token before: after start, a 1 and b 1 of 2; after a, b 1 of 1; after b, $ 2 of 2.
        // The test asks for b after start (1 of 2), a after b (0 of 2) and $ after a (0 of 1).
        double bigram = -(Math.Log(2 / (2 + Outcomes)) + Math.Log(1 / (2 + Outcomes)) + Math.Log(1 / (1 + Outcomes))) / 3;
        Assert.Equal(bigram, NGramModel.Fit(training, 2).CrossEntropy(test), 12);

        // The same with add-0.1 smoothing (the 5-gram reference uses it): (count + 0.1) / (total + 2.7).
        double smoothed = -(Math.Log(1.1 / (2 + 2.7)) + Math.Log(0.1 / (2 + 2.7)) + Math.Log(0.1 / (1 + 2.7))) / 3;
        Assert.Equal(smoothed, NGramModel.Fit(training, 2, smoothing: 0.1).CrossEntropy(test), 12);

        // Each context's probabilities over the 27 outcomes sum to 1, and the padding token is never predicted.
        NGramModel model = NGramModel.Fit(training, 2);
        foreach (float[] window in new[] { new[] { 0f, 0f }, [0f, CharVocabulary.Encode('b')], [0f, CharVocabulary.Encode('z')] })
        {
            double sum = Enumerable.Range(CharVocabulary.End, 27).Sum(t => model.Probability(window, t));
            Assert.Equal(1, sum, 12);
            Assert.Equal(0, model.Probability(window, CharVocabulary.Padding));
        }

        // On a large corpus smoothing hardly matters: the unigram loss on its own examples is the entropy of the frequencies.
        var (words, _) = WordList.Load(DataPath);
        Dataset corpus = CharExamples.ToDataset(words[..5000], 1);
        double[] counts = new double[CharVocabulary.Size];
        for (int i = 0; i < corpus.Count; i++)
        {
            counts[corpus.GetClass(i)]++;
        }

        double entropy = -counts.Where(c => c > 0).Sum(c => c / corpus.Count * Math.Log(c / corpus.Count));
        Assert.Equal(entropy, NGramModel.Fit(corpus, 1).CrossEntropy(corpus), 3);
    }

    [Fact]
    public void Temperature_zero_picks_the_argmax_and_temperature_one_draws_from_the_softmax()
    {
        float[] logits = [0.1f, 2.0f, 1.9f, -3f];
        var random = new SeededRandom(5);
        var untouched = new SeededRandom(5);
        Assert.Equal(1, TemperatureSampler.Sample(logits, 0, random));
        Assert.Equal(untouched.NextUInt64(), random.NextUInt64()); // the argmax draws no random number

        // Near zero, every draw is the argmax (1.9 is only 0.1 below it).
        Assert.All(Enumerable.Range(0, 200), _ => Assert.Equal(1, TemperatureSampler.Sample(logits, 1e-3, random)));

        // At T = 1 the frequencies are the softmax; at T = 50 nearly uniform.
        foreach (double temperature in new[] { 1.0, 50.0 })
        {
            double[] p = TemperatureSampler.Probabilities(logits, temperature);
            var counts = new int[logits.Length];
            const int Draws = 40_000;
            for (int i = 0; i < Draws; i++)
            {
                counts[TemperatureSampler.Sample(logits, temperature, random)]++;
            }

            for (int c = 0; c < logits.Length; c++)
            {
                Assert.InRange((double)counts[c] / Draws, p[c] - 0.01, p[c] + 0.01);
            }
        }

        double[] softmax = TemperatureSampler.Probabilities(logits, 1);
        double total = logits.Sum(l => Math.Exp(l));
        Assert.Equal(Math.Exp(2.0) / total, softmax[1], 6);
        Assert.True(TemperatureSampler.Probabilities(logits, 0.5)[1] > softmax[1], "a lower temperature sharpens");
    }

    [Fact]
    public void A_seeded_sampler_repeats_and_reads_the_windows_the_network_was_trained_on()
    {
        var model = new CharModel(seed: 3);
        var sampler = new WordSampler(model, CharModel.Context, maxLength: 12);
        string[] Words(int seed, double temperature)
        {
            var random = new SeededRandom(seed);
            return Enumerable.Range(0, 20).Select(_ => sampler.Generate(temperature, random).Text).ToArray();
        }

        string[] first = Words(7, 1.0);
        Assert.Equal(first, Words(7, 1.0));
        Assert.NotEqual(first, Words(8, 1.0));
        Assert.Equal(Words(7, 0), Words(8, 0)); // greedy: no randomness at all
        Assert.All(first, w => Assert.True(w.Length <= 12 && w.All(CharVocabulary.IsLetter), $"'{w}' is at most 12 letters a-z"));

        // A word cut at the cap has exactly the cap's letters; one that ended did so by drawing the end marker.
        var random = new SeededRandom(1);
        for (int i = 0; i < 20; i++)
        {
            GeneratedWord word = sampler.Generate(1.0, random);
            Assert.True(!word.Truncated || word.Text.Length == 12);
        }

        // The sampler's windows are the training windows: its loss on a word is the cross-entropy of the word's examples.
        foreach (string word in new[] { "cat", "extraordinarily" })
        {
            Dataset examples = CharExamples.ToDataset([word], CharModel.Context);
            var logits = new float[examples.Count * CharVocabulary.Size];
            model.ForwardBatch(examples.Features, logits);
            double expected = new CrossEntropyLoss().Compute(logits, examples.Targets);
            Assert.Equal(expected, sampler.LossPerCharacter(word), 5);
        }
    }

    [Fact]
    public void A_short_run_trains_below_the_unigram_baseline_and_generates_words()
    {
        var settings = new GenerationSettings
        {
            TrainingWords = 1500,
            ValidationWords = 300,
            TestFraction = 0.02,
            Epochs = 2,
            SamplesPerTemperature = 10,
        };
        GenerationReport report = GenerationPipeline.Run(settings);

        Assert.Equal(2, report.Training.History.Count);
        Assert.All(report.Training.History, e => Assert.True(double.IsFinite(e.TrainingLoss) && double.IsFinite(e.Validation!.Loss)));
        Assert.True(report.Training.History[1].TrainingLoss < report.Training.History[0].TrainingLoss, "the training loss decreases");
        BaselineScores baselines = report.Baselines;
        Assert.True(baselines.BigramTest < baselines.UnigramTest, $"bigram {baselines.BigramTest:0.000} < unigram {baselines.UnigramTest:0.000}");
        Assert.True(report.Test.Loss < baselines.UnigramTest, $"model {report.Test.Loss:0.000} nats < unigram {baselines.UnigramTest:0.000}");
        Assert.True(report.Validation.Loss < baselines.UnigramValidation, $"model {report.Validation.Loss:0.000} nats < unigram {baselines.UnigramValidation:0.000}");

        // The start/padding token is the embedding's PaddingIndex: its row starts at zero and training leaves it there.
        var trained = Assert.IsType<CharModel>(report.Model);
        TensorView embedding = trained.Embedding.Weight;
        Assert.Equal([CharVocabulary.Size, 16], embedding.Shape);
        Assert.All(Enumerable.Range(0, embedding.Columns), d => Assert.Equal(0f, embedding[CharVocabulary.Padding, d]));
        Assert.Contains(Enumerable.Range(0, embedding.Columns), d => embedding[CharVocabulary.End, d] != 0f);

        // The test loss is the trained network's: recompute it with Forward on the test words' examples.
        Dataset test = report.Data.Test;
        var logits = new float[CharVocabulary.Size];
        double sum = 0;
        for (int i = 0; i < test.Count; i++)
        {
            report.Model.Forward(test.GetFeatures(i), logits);
            sum -= Math.Log(TemperatureSampler.Probabilities(logits, 1)[test.GetClass(i)]);
        }

        Assert.Equal(sum / test.Count, report.Test.Loss, 4);

        TemperatureSamples[] samples = GenerationPipeline.Generate(report.Model, report.Data, settings);
        Assert.Equal(settings.Temperatures, samples.Select(s => s.Temperature));
        Assert.All(samples, s => Assert.Equal(10, s.Words.Length));
        Assert.All(samples.SelectMany(s => s.Words), w => Assert.True(w.Text.All(CharVocabulary.IsLetter)));
        Assert.Equal(samples[0].Words, GenerationPipeline.Generate(report.Model, report.Data, settings)[0].Words);

        using var folder = new TempDirectory();
        string plot = Path.Combine(folder.Path, "loss.png");
        LossPlot.Save(plot, report.Training, baselines, "GRU");
        byte[] png = File.ReadAllBytes(plot);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    [Fact]
    public void The_command_line_sets_epochs_words_and_the_quick_run()
    {
        Assert.Equal(7, GenerationSettings.FromArguments(["--epochs", "7"]).Epochs);
        Assert.Equal(0, GenerationSettings.FromArguments(["--words", "0"]).TrainingWords);
        GenerationSettings quick = GenerationSettings.FromArguments(["--quick"]);
        Assert.True(quick.Epochs < new GenerationSettings().Epochs && quick.TrainingWords < new GenerationSettings().TrainingWords);
        Assert.Equal(3, GenerationSettings.FromArguments(["--seed", "3"]).Seed);
        Assert.Throws<ArgumentException>(() => GenerationSettings.FromArguments(["--epochs", "0"]));
        Assert.Throws<ArgumentException>(() => GenerationSettings.FromArguments(["--temperature"]));
    }
}
