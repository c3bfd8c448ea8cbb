using System;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NetDsl.Generator.Embedding;

namespace NetDsl.Generator.Tests;

/// <summary>Weight files as the generator receives them: the base64 text copy build/NetDsl.targets writes into obj/ for a <c>NetDslWeights</c> item.</summary>
internal static class WeightFileTexts
{
    public static AdditionalText Of(string name, byte[] bytes) =>
        new InMemoryText("/project/obj/netdsl/" + name + ".base64", WeightFileContent.Prefix + name + "\n" + Convert.ToBase64String(bytes));

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text, Encoding.UTF8);
    }
}
