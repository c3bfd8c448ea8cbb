using System.Threading.Tasks;
using Xunit;

namespace NetDsl.CodeFixes.Tests;

/// <summary>NDSL0004 and NDSL0027: a declared input size that does not match is replaced by the inferred one, or removed.</summary>
public sealed class UseInferredSizeTests
{
    private const string WrongLinear = """
        using NetDsl;

        namespace App;

        [Network]
        [Input(3)]
        [Linear(3, 2, Name = "fc1"), ReLU]
        [{|NDSL0004:Linear(3, 1, Name = "fc2")|}]
        public partial class SimpleNN;
        """;

    [Fact]
    public Task NDSL0004_WritesTheSizeThatArrives() => Verifier.VerifyFixAsync<UseInferredSizeCodeFixProvider>(
        WrongLinear,
        """
        using NetDsl;

        namespace App;

        [Network]
        [Input(3)]
        [Linear(3, 2, Name = "fc1"), ReLU]
        [Linear(2, 1, Name = "fc2")]
        public partial class SimpleNN;
        """,
        UseInferredSizeCodeFixProvider.WriteSizeKey,
        "Use the input size that arrives: 2");

    [Fact]
    public Task NDSL0004_RemovesTheDeclaredSize() => Verifier.VerifyFixAsync<UseInferredSizeCodeFixProvider>(
        WrongLinear,
        """
        using NetDsl;

        namespace App;

        [Network]
        [Input(3)]
        [Linear(3, 2, Name = "fc1"), ReLU]
        [Linear(1, Name = "fc2")]
        public partial class SimpleNN;
        """,
        UseInferredSizeCodeFixProvider.RemoveSizeKey,
        "Remove the declared input size (NetDsl infers it)");

    [Fact]
    public Task NDSL0004_NamedArguments_ReplacesTheInFeaturesArgument() => Verifier.VerifyFixAsync<UseInferredSizeCodeFixProvider>(
        """
        using NetDsl;

        [Network, Input(1, 2, 3), Flatten]
        [{|NDSL0004:Linear(outFeatures: 4, inFeatures: 5)|}]
        public partial class Net;
        """,
        """
        using NetDsl;

        [Network, Input(1, 2, 3), Flatten]
        [Linear(outFeatures: 4, inFeatures: 6)]
        public partial class Net;
        """,
        UseInferredSizeCodeFixProvider.WriteSizeKey);

    [Fact]
    public Task NDSL0004_FixAll_FixesEveryNetwork() => Verifier.VerifyFixAsync<UseInferredSizeCodeFixProvider>(
        """
        using NetDsl;

        [Network, Input(3)]
        [{|NDSL0004:Linear(4, 2)|}]
        public partial class First;

        [Network, Input(8)]
        [Linear(8, 5), Tanh]
        [{|NDSL0004:Linear(/* in */ 4, 1)|}]
        public partial class Second;
        """,
        """
        using NetDsl;

        [Network, Input(3)]
        [Linear(3, 2)]
        public partial class First;

        [Network, Input(8)]
        [Linear(8, 5), Tanh]
        [Linear(/* in */ 5, 1)]
        public partial class Second;
        """,
        UseInferredSizeCodeFixProvider.WriteSizeKey);

    [Fact]
    public Task NDSL0027_Conv2D_WritesTheChannelsThatArrive() => Verifier.VerifyFixAsync<UseInferredSizeCodeFixProvider>(
        """
        using NetDsl;

        [Network, Input(3, 8, 8)]
        [{|NDSL0027:Conv2D(1, 8, Kernel = 3, Name = "conv1")|}]
        public partial class Net;
        """,
        """
        using NetDsl;

        [Network, Input(3, 8, 8)]
        [Conv2D(3, 8, Kernel = 3, Name = "conv1")]
        public partial class Net;
        """,
        UseInferredSizeCodeFixProvider.WriteSizeKey,
        "Use the input channels that arrive: 3");

    [Fact]
    public Task NDSL0027_Conv1D_RemovesTheDeclaredChannels() => Verifier.VerifyFixAsync<UseInferredSizeCodeFixProvider>(
        """
        using NetDsl;

        [Network, Input(2, 16)]
        [{|NDSL0027:Conv1D(4, 8, Kernel = 3)|}]
        public partial class Net;
        """,
        """
        using NetDsl;

        [Network, Input(2, 16)]
        [Conv1D(8, Kernel = 3)]
        public partial class Net;
        """,
        UseInferredSizeCodeFixProvider.RemoveSizeKey);
}
