using System.Threading.Tasks;
using Xunit;

namespace NetDsl.CodeFixes.Tests;

/// <summary>NDSL0009: the later of two layers with one name is renamed to a name the analyzer suggests.</summary>
public sealed class RenameDuplicateLayerTests
{
    [Fact]
    public Task NameFromAConstant_IsNotRewritten() => Verifier.VerifyNoFixAsync<RenameDuplicateLayerCodeFixProvider>(
        """
        using NetDsl;

        [Network]
        [Input(3)]
        [Linear(4, Name = Names.Hidden), ReLU]
        [{|NDSL0009:Linear(1, Name = Names.Hidden)|}]
        public partial class Net;

        internal static class Names
        {
            public const string Hidden = "hidden";
        }
        """);

    [Fact]
    public Task Duplicate_GetsTheNextNumber() => Verifier.VerifyFixAsync<RenameDuplicateLayerCodeFixProvider>(
        """
        using NetDsl;

        [Network]
        [Input(3)]
        [Linear(4, Name = "fc"), ReLU]
        [{|NDSL0009:Linear(1, Name = "fc")|}]
        public partial class Net;
        """,
        """
        using NetDsl;

        [Network]
        [Input(3)]
        [Linear(4, Name = "fc"), ReLU]
        [Linear(1, Name = "fc2")]
        public partial class Net;
        """,
        RenameDuplicateLayerCodeFixProvider.EquivalenceKey,
        "Rename the layer to 'fc2'");

    [Fact]
    public Task SuggestionSkipsNamesTakenLaterInTheStack() => Verifier.VerifyFixAsync<RenameDuplicateLayerCodeFixProvider>(
        """
        using NetDsl;

        [Network]
        [Input(3)]
        [Linear(4, Name = "fc1"), ReLU]
        [{|NDSL0009:Linear(4, Name = "fc1")|}, Tanh]
        [Linear(1, Name = "fc2")]
        public partial class Net;
        """,
        """
        using NetDsl;

        [Network]
        [Input(3)]
        [Linear(4, Name = "fc1"), ReLU]
        [Linear(4, Name = "fc3"), Tanh]
        [Linear(1, Name = "fc2")]
        public partial class Net;
        """);

    [Fact]
    public Task FixAll_ThreeEqualNames_BecomeDistinct() => Verifier.VerifyFixAsync<RenameDuplicateLayerCodeFixProvider>(
        """
        using NetDsl;

        [Network]
        [Input(3)]
        [Linear(4, Name = "hidden"), ReLU]
        [{|NDSL0009:Linear(4, Name = "hidden")|}, ReLU]
        [{|NDSL0009:Linear(1, Name = "hidden")|}]
        public partial class Net;
        """,
        """
        using NetDsl;

        [Network]
        [Input(3)]
        [Linear(4, Name = "hidden"), ReLU]
        [Linear(4, Name = "hidden2"), ReLU]
        [Linear(1, Name = "hidden3")]
        public partial class Net;
        """);

    [Fact]
    public Task SameViewProperty_IsRenamedToo() => Verifier.VerifyFixAsync<RenameDuplicateLayerCodeFixProvider>(
        """
        using NetDsl;

        [Network]
        [Input(3)]
        [Linear(4, Name = "fc1"), ReLU]
        [{|NDSL0009:Linear(1, Name = "Fc1")|}]
        public partial class Net;
        """,
        """
        using NetDsl;

        [Network]
        [Input(3)]
        [Linear(4, Name = "fc1"), ReLU]
        [Linear(1, Name = "Fc2")]
        public partial class Net;
        """);

    [Fact]
    public Task UnnamedLayerWhoseDefaultViewIsTaken_GetsAName() => Verifier.VerifyFixAsync<RenameDuplicateLayerCodeFixProvider>(
        """
        using NetDsl;

        [Network]
        [Input(3)]
        [Linear(4, Name = "layer2"), ReLU]
        [{|NDSL0009:Linear(1)|}]
        public partial class Net;
        """,
        """
        using NetDsl;

        [Network]
        [Input(3)]
        [Linear(4, Name = "layer2"), ReLU]
        [Linear(1, Name = "layer3")]
        public partial class Net;
        """);
}
