using System.Threading.Tasks;
using Xunit;

namespace NetDsl.CodeFixes.Tests;

/// <summary>NDSL0013: <c>[Flatten]</c> is inserted before the layer that needs one-dimensional samples.</summary>
public sealed class InsertFlattenTests
{
    [Fact]
    public Task LayerOnItsOwnLine_GetsFlattenOnTheLineBefore() => Verifier.VerifyFixAsync<InsertFlattenCodeFixProvider>(
        """
        using NetDsl;

        namespace App;

        [Network]
        [Input(1, 8, 8)]
        [{|NDSL0013:Linear(10, Name = "fc")|}]
        public partial class Net;
        """,
        """
        using NetDsl;

        namespace App;

        [Network]
        [Input(1, 8, 8)]
        [Flatten]
        [Linear(10, Name = "fc")]
        public partial class Net;
        """,
        InsertFlattenCodeFixProvider.EquivalenceKey,
        "Insert [Flatten] before this layer");

    [Fact]
    public Task IndentedDeclaration_KeepsTheIndentation() => Verifier.VerifyFixAsync<InsertFlattenCodeFixProvider>(
        """
        using NetDsl;

        public static partial class Models
        {
            [Network]
            [Input(1, 28, 28)]
            [Conv2D(4, Kernel = 3), ReLU, MaxPool2D(2)]
            [{|NDSL0013:Linear(10)|}]
            public partial class Cnn;
        }
        """,
        """
        using NetDsl;

        public static partial class Models
        {
            [Network]
            [Input(1, 28, 28)]
            [Conv2D(4, Kernel = 3), ReLU, MaxPool2D(2)]
            [Flatten]
            [Linear(10)]
            public partial class Cnn;
        }
        """);

    [Fact]
    public Task LayerInsideAList_GetsFlattenInTheList() => Verifier.VerifyFixAsync<InsertFlattenCodeFixProvider>(
        """
        using NetDsl;

        [Network, Input(2, 3)]
        [Linear(4, Name = "fc0"), ReLU]
        public partial class Fine;

        [Network, Input(1, 6, 6)]
        [Conv2D(2, Kernel = 3), ReLU, {|NDSL0013:Linear(5)|}]
        public partial class Net;
        """.Replace("[Linear(4, Name = \"fc0\"), ReLU]", "[Flatten, Linear(4, Name = \"fc0\"), ReLU]", System.StringComparison.Ordinal),
        """
        using NetDsl;

        [Network, Input(2, 3)]
        [Flatten, Linear(4, Name = "fc0"), ReLU]
        public partial class Fine;

        [Network, Input(1, 6, 6)]
        [Conv2D(2, Kernel = 3), ReLU, Flatten, Linear(5)]
        public partial class Net;
        """);

    [Fact]
    public Task QualifiedNames_AreMimicked() => Verifier.VerifyFixAsync<InsertFlattenCodeFixProvider>(
        """
        [NetDsl.Network, NetDsl.Input(2, 3)]
        [{|NDSL0013:global::NetDsl.LinearAttribute(4)|}]
        public partial class Net;
        """,
        """
        [NetDsl.Network, NetDsl.Input(2, 3)]
        [global::NetDsl.FlattenAttribute]
        [global::NetDsl.LinearAttribute(4)]
        public partial class Net;
        """);

    [Fact]
    public Task AliasThatDoesNotReachFlatten_FallsBackToTheFullName() => Verifier.VerifyFixAsync<InsertFlattenCodeFixProvider>(
        """
        using Dense = NetDsl.LinearAttribute;

        [NetDsl.Network, NetDsl.Input(2, 3)]
        [{|NDSL0013:Dense(4)|}]
        public partial class Net;
        """,
        """
        using Dense = NetDsl.LinearAttribute;

        [NetDsl.Network, NetDsl.Input(2, 3)]
        [global::NetDsl.Flatten]
        [Dense(4)]
        public partial class Net;
        """);

    [Fact]
    public Task Softmax_OnAMatrix_GetsFlatten() => Verifier.VerifyFixAsync<InsertFlattenCodeFixProvider>(
        """
        using NetDsl;

        [Network, Input(2, 3)]
        [{|NDSL0013:Softmax|}]
        public partial class Net;
        """,
        """
        using NetDsl;

        [Network, Input(2, 3)]
        [Flatten]
        [Softmax]
        public partial class Net;
        """);

    [Fact]
    public Task FixAll_FlattensEveryNetwork() => Verifier.VerifyFixAsync<InsertFlattenCodeFixProvider>(
        """
        using NetDsl;

        [Network, Input(2, 3)]
        [{|NDSL0013:Linear(4)|}]
        public partial class First;

        [Network, Input(4, 2)]
        [{|NDSL0013:Linear(1)|}]
        public partial class Second;
        """,
        """
        using NetDsl;

        [Network, Input(2, 3)]
        [Flatten]
        [Linear(4)]
        public partial class First;

        [Network, Input(4, 2)]
        [Flatten]
        [Linear(1)]
        public partial class Second;
        """);
}
