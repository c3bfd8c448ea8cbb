using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NetDsl.Generator.Tests.Fuzzing;

/// <summary>
/// Writes random and mutated C# files declaring networks, deterministically from a seed: random layer stacks with
/// arguments from a pool of ordinary, edge and hostile values (zero, negative, huge, NaN, infinities), wrong types,
/// duplicate and reserved names, class forms (records, structs, static, generic, file-local, primary constructors),
/// keyword and look-alike names, nesting, namespaces of every kind, several networks per file and partial declarations
/// across files; and token-level deletions and swaps of such programs.
/// </summary>
internal sealed class DeclarationFuzzer
{
    private static readonly string[] Sizes = ["1", "2", "3", "4", "5", "7", "8", "16", "28", "0", "-1", "-3", "65536", "int.MaxValue", "int.MinValue", "1500000000"];
    private static readonly string[] Doubles = ["0.5", "0.1", "0", "1", "-0.5", "2", "1e-5", "1e300", "double.NaN", "double.PositiveInfinity", "double.NegativeInfinity", "-1e-300", "0.999999"];
    private static readonly string[] LayerNames = ["fc", "fc1", "Fc1", "conv", "class", "int", "forward", "parameters", "_parameters", "input", "output", "summary", "layer0", "s_window1", "runStages", "", " ", "1x", "é", "N", "Net"];
    private static readonly string[] ClassNames = ["N", "Net", "NET", "net", "@class", "@int", "Input", "Output", "Parameters", "Summary", "var", "System", "Random", "Layers", "Model2", "_"];
    private static readonly string[] Namespaces = ["App", "App.Models", "@if", "System", "NetDsl", "App.@event"];
    private static readonly string[] Activations = ["ReLU", "Sigmoid", "Tanh", "SiLU", "Hardswish", "Mish", "Identity", "Softmax", "LogSoftmax", "GELU", "GELU(TanhApproximation = true)"];

    private readonly Random _random;

    public DeclarationFuzzer(int seed) => _random = new Random(seed);

    /// <summary>One program: one or two source files, most of them generated, some of them mutated token by token.</summary>
    public string[] NextProgram()
    {
        string file = NextFile();
        if (_random.Next(8) == 0)
        {
            return [file, NextFile()];
        }

        if (_random.Next(6) == 0)
        {
            return [Mutate(file)];
        }

        return [file];
    }

    private string NextFile()
    {
        var builder = new StringBuilder("using NetDsl;\n");
        int style = _random.Next(4);
        string ns = Pick(Namespaces);
        string body = string.Join("\n", Enumerable.Range(0, 1 + _random.Next(_random.Next(4) == 0 ? 3 : 1)).Select(_ => NextNetwork()));
        switch (style)
        {
            case 0:
                builder.Append("namespace ").Append(ns).Append(";\n").Append(body);
                break;
            case 1:
                builder.Append("namespace ").Append(ns).Append("\n{\n").Append(body).Append("\n}\n");
                break;
            case 2:
                builder.Append(body);
                break;
            default:
                builder.Append("namespace ").Append(ns).Append(";\n").Append(Nest(body));
                break;
        }

        return builder.ToString();
    }

    private string Nest(string body) => Pick(
        "public partial class Outer { " + body + " }",
        "public partial class Outer<T> { " + body + " }",
        "public partial struct Outer { " + body + " }",
        "public partial record Outer { " + body + " }",
        "public partial class Outer { public partial class Middle<T, U> { " + body + " } }",
        "public class NotPartial { " + body + " }",
        "public static partial class Outer { " + body + " }");

    private string NextNetwork() => _random.Next(2) == 0 ? NextValidNetwork() : NextHostileNetwork();

    /// <summary>
    /// A network whose layers fit the shapes they receive (tracked as the stack grows), with ordinary arguments and a
    /// plain class: most of these generate code, so that emission of every layer kind in every order is exercised.
    /// </summary>
    private string NextValidNetwork()
    {
        int rank = 1 + _random.Next(3);
        int channels = 1 + _random.Next(4);
        int length = 3 + _random.Next(10);
        int height = 3 + _random.Next(8);
        int features = rank == 1 ? 1 + _random.Next(20) : 0;
        var stack = new List<string>
        {
            Pick("Network", "Network", "Network(UnrollLimit = 0)", "Network(UnrollLimit = 2000)", "Network(Int8 = true)", "Network(Int8 = true, UnrollLimit = 0)"),
            rank switch { 1 => $"Input({features})", 2 => $"Input({channels}, {length})", _ => $"Input({channels}, {height}, {length})" },
        };

        int layers = 1 + _random.Next(6);
        for (int i = 0; i < layers; i++)
        {
            if (rank == 1)
            {
                string layer = Pick("Linear", "Linear", "Activation", "Activation", "Dropout", "LayerNorm", "BatchNorm1D", "PReLU", "Residual");
                switch (layer)
                {
                    case "Linear":
                        features = 1 + _random.Next(20);
                        stack.Add($"Linear({features}{Pick(string.Empty, ", Bias = false")})");
                        break;
                    case "Activation":
                        stack.Add(Pick(Activations.Concat(["LeakyReLU(0.2)", "ELU(0.5)", "Softplus(Beta = 2)"]).ToArray()));
                        break;
                    case "Dropout":
                        stack.Add(Pick("Dropout", "Dropout(0.25)"));
                        break;
                    case "PReLU":
                        stack.Add(Pick("PReLU", $"PReLU({features})"));
                        break;
                    case "Residual":
                        stack.AddRange(["Residual", $"Linear({features})", "ReLU", "EndResidual"]);
                        break;
                    default:
                        stack.Add(layer);
                        break;
                }

                continue;
            }

            string kind = Pick("Convolution", "Convolution", "Pool", "Activation", "BatchNorm", "Flatten", "GlobalAvgPool", "Recurrent");
            string d = rank == 2 ? "1D" : "2D";
            switch (kind)
            {
                case "Convolution":
                    int kernel = 1 + _random.Next(Math.Min(3, Math.Min(length, rank == 3 ? height : length)));
                    int padding = _random.Next(kernel / 2 + 1);
                    int stride = 1 + _random.Next(2);
                    channels = 1 + _random.Next(6);
                    stack.Add($"Conv{d}({channels}, Kernel = {kernel}, Padding = {padding}, Stride = {stride})");
                    length = (length + 2 * padding - kernel) / stride + 1;
                    height = rank == 3 ? (height + 2 * padding - kernel) / stride + 1 : height;
                    break;
                case "Pool" when length >= 2 && (rank == 2 || height >= 2):
                    stack.Add(Pick("MaxPool", "AvgPool") + d + "(2)");
                    length /= 2;
                    height = rank == 3 ? height / 2 : height;
                    break;
                case "Activation":
                    stack.Add(Pick("ReLU", "Tanh", "SiLU", "LeakyReLU(0.1)", "Hardswish", "Mish", "GELU"));
                    break;
                case "BatchNorm":
                    stack.Add("BatchNorm" + d);
                    break;
                case "Flatten":
                    stack.Add("Flatten");
                    features = channels * length * (rank == 3 ? height : 1);
                    rank = 1;
                    break;
                case "GlobalAvgPool":
                    stack.Add("GlobalAvgPool");
                    features = channels;
                    rank = 1;
                    break;
                case "Recurrent" when rank == 2:
                    // [channels, length] read as T = channels steps of F = length features.
                    int hidden = 1 + _random.Next(6);
                    bool bidirectional = _random.Next(3) == 0;
                    bool sequences = _random.Next(2) == 0;
                    stack.Add($"{Pick("LSTM", "GRU", "RNN")}({hidden}, Layers = {1 + _random.Next(2)}, Bidirectional = {(bidirectional ? "true" : "false")}, ReturnSequences = {(sequences ? "true" : "false")})");
                    int width = (bidirectional ? 2 : 1) * hidden;
                    if (!sequences)
                    {
                        features = width;
                        rank = 1;
                    }
                    else if (_random.Next(2) == 0)
                    {
                        stack.Add(Pick("MeanOverTime", "MaxOverTime", "LastStep", $"Linear({1 + _random.Next(5)})"));
                        features = width;
                        rank = stack[^1].StartsWith("Linear", StringComparison.Ordinal) ? 2 : 1;
                        length = rank == 2 ? int.Parse(stack[^1]["Linear(".Length..^1], CultureInfo.InvariantCulture) : length;
                    }
                    else
                    {
                        length = width;
                    }

                    break;
            }
        }

        string stackText = string.Concat(stack.Select(a => "[" + a + "]"));
        return stackText + "\n" + Pick("public partial class ", "public sealed partial class ", "internal partial class ", "public partial record ") + Pick("N", "Net", "Model2", "Classifier") + ";";
    }

    private string NextHostileNetwork()
    {
        var attributes = new List<string> { NetworkAttribute(), "Input(" + string.Join(", ", Enumerable.Range(0, 1 + _random.Next(3)).Select(_ => Size())) + ")" };
        int layers = _random.Next(7);
        for (int i = 0; i < layers; i++)
        {
            attributes.Add(NextLayer());
        }

        if (_random.Next(10) == 0)
        {
            attributes.RemoveAt(1); // no [Input]
        }

        if (_random.Next(12) == 0)
        {
            int j = _random.Next(attributes.Count);
            attributes.Insert(_random.Next(attributes.Count), attributes[j]); // a repeated entry
        }

        string stack = _random.Next(2) == 0
            ? string.Concat(attributes.Select(a => "[" + a + "]"))
            : "[" + string.Join(", ", attributes) + "]";
        string name = Pick(ClassNames);
        string declaration = Pick(
            "public partial class " + name + ";",
            "public sealed partial class " + name + ";",
            "internal partial class " + name + " { }",
            "public partial class " + name + " { public int Forward; }",
            "public partial class " + name + " { private float[] _parameters = []; }",
            "public partial class " + name + " { public override string ToString() => \"x\"; }",
            "public partial record " + name + ";",
            "public partial record " + name + "(int Seed);",
            "public partial class " + name + "(int seed);",
            "public partial struct " + name + ";",
            "public partial record struct " + name + ";",
            "public static partial class " + name + ";",
            "public abstract partial class " + name + ";",
            "public partial class " + name + "<T>;",
            "file partial class " + name + ";",
            "public class " + name + " { }",
            "public partial class " + name + ";",
            "public partial class " + name + ";");
        return stack + "\n" + declaration;
    }

    private string NetworkAttribute() => _random.Next(6) switch
    {
        0 => "Network(UnrollLimit = " + Pick("0", "1", "100000", "int.MaxValue", "-1") + ")",
        1 => "Network(UnrollLimit = 0)",
        2 => "Network(Int8 = true)",
        _ => "Network",
    };

    private string NextLayer()
    {
        string layer = _random.Next(16) switch
        {
            0 or 1 => _random.Next(4) == 0 ? "Linear(" + Size() + ", " + Size() + Options("Bias") + ")" : "Linear(" + Size() + Options("Bias") + ")",
            2 => Pick("Conv1D", "Conv2D") + "(" + Size() + Options("Kernel", "Stride", "Padding", "Dilation", "Bias", "KernelHeight", "PaddingWidth") + ")",
            3 => Pick("MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D") + "(" + Size() + Options("Stride", "Padding", "CountIncludePad") + ")",
            4 => "GlobalAvgPool",
            5 or 6 => Pick(Activations),
            7 => Pick("LeakyReLU", "ELU") + "(" + Pick(Doubles) + ")",
            8 => "Softplus(Beta = " + Pick(Doubles) + ", Threshold = " + Pick(Doubles) + ")",
            9 => Pick("Dropout(" + Pick(Doubles) + ")", "Dropout", "PReLU", "PReLU(" + Size() + ")", "PReLU(Init = " + Pick(Doubles) + ")"),
            10 => Pick("BatchNorm1D", "BatchNorm2D", "LayerNorm") + Pick(string.Empty, "(Eps = " + Pick(Doubles) + ")", "(Momentum = " + Pick(Doubles) + ")", "(Affine = false)"),
            11 => Pick("Flatten", "Reshape(" + Size() + ", -1)", "Reshape(" + Size() + ", " + Size() + ")", "Reshape(null)", "Reshape(65536, 65536, 65536, 65536, -1)"),
            12 => Pick("Residual", "EndResidual"),
            13 => Pick("LSTM", "GRU", "RNN") + "(" + Size() + Options("Layers", "Bidirectional", "ReturnSequences", "Bias") + Pick(string.Empty, ", Nonlinearity = RnnNonlinearity.ReLU", ", Nonlinearity = (RnnNonlinearity)7") + ")",
            14 => Pick(
                "Embedding(" + Size() + ", " + Size() + Options("PaddingIndex") + ")",
                "MultiheadAttention(" + Size() + Pick(string.Empty, ", Causal = true") + ")",
                "PositionalEncoding" + Pick(string.Empty, "(Learned = true)"),
                Pick("MeanOverTime", "MaxOverTime", "LastStep")),
            _ => Pick("Linear(\"a\")", "Linear(1.5)", "Input(null)", "Dense(3)", "Linear", "Conv2D(Kernel = 3)", "Linear(3, Bias = 2)"),
        };

        if (_random.Next(5) == 0 && layer.IndexOf('"') < 0)
        {
            string name = "Name = \"" + Pick(LayerNames) + "\"";
            layer = layer.EndsWith(")", StringComparison.Ordinal) ? layer.Substring(0, layer.Length - 1) + (layer.EndsWith("()", StringComparison.Ordinal) ? string.Empty : ", ") + name + ")" : layer + "(" + name + ")";
        }

        return layer;
    }

    private string Options(params string[] names)
    {
        var parts = new List<string>();
        foreach (string name in names)
        {
            if (_random.Next(4) == 0)
            {
                parts.Add(name + " = " + (name is "Bias" or "CountIncludePad" or "Bidirectional" or "ReturnSequences" ? Pick("true", "false") : Size()));
            }
        }

        return parts.Count == 0 ? string.Empty : ", " + string.Join(", ", parts);
    }

    private string Size() => _random.Next(3) == 0 ? Pick(Sizes) : (1 + _random.Next(12)).ToString(CultureInfo.InvariantCulture);

    /// <summary>A token deleted, duplicated or two adjacent tokens swapped.</summary>
    private string Mutate(string source)
    {
        SyntaxToken[] tokens = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().ToArray();
        if (tokens.Length < 3)
        {
            return source;
        }

        int i = _random.Next(1, tokens.Length - 1);
        string[] texts = tokens.Select(t => t.ToFullString()).ToArray();
        switch (_random.Next(3))
        {
            case 0:
                texts[i] = " ";
                break;
            case 1:
                texts[i] = texts[i] + " " + tokens[i].Text;
                break;
            default:
                (texts[i], texts[i + 1]) = (" " + tokens[i + 1].Text + " ", " " + tokens[i].Text + " ");
                break;
        }

        return string.Concat(texts);
    }

    private string Pick(params string[] options) => options[_random.Next(options.Length)];
}
