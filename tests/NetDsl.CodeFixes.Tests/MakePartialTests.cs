using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace NetDsl.CodeFixes.Tests;

/// <summary>NDSL0006 and NDSL0007: <c>partial</c> is added where it is missing.</summary>
public sealed class MakePartialTests
{
    [Fact]
    public Task NDSL0006_NetworkClass_BecomesPartial() => Verifier.VerifyFixAsync<MakePartialCodeFixProvider>(
        """
        using NetDsl;

        namespace App;

        [{|NDSL0006:Network|}]
        [Input(3)]
        [Linear(1)]
        public sealed class Net;
        """,
        """
        using NetDsl;

        namespace App;

        [Network]
        [Input(3)]
        [Linear(1)]
        public sealed partial class Net;
        """,
        MakePartialCodeFixProvider.EquivalenceKey,
        "Make 'Net' partial");

    [Fact]
    public Task NDSL0006_ClassWithoutModifiers_GetsPartialBeforeTheKeyword() => Verifier.VerifyFixAsync<MakePartialCodeFixProvider>(
        """
        using NetDsl;

        [{|NDSL0006:Network|}, Input(3), Linear(1)]
        class Net
        {
        }
        """,
        """
        using NetDsl;

        [Network, Input(3), Linear(1)]
        partial class Net
        {
        }
        """);

    [Fact]
    public Task NDSL0006_Record_BecomesPartial() => Verifier.VerifyFixAsync<MakePartialCodeFixProvider>(
        """
        using NetDsl;

        [{|NDSL0006:Network|}, Input(3), Linear(1)]
        internal record Net;
        """,
        """
        using NetDsl;

        [Network, Input(3), Linear(1)]
        internal partial record Net;
        """);

    [Fact]
    public Task NDSL0006_FixAll_MakesEveryNetworkPartial() => Verifier.VerifyFixAsync<MakePartialCodeFixProvider>(
        """
        using NetDsl;

        [{|NDSL0006:Network|}, Input(3), Linear(1)]
        public class First;

        [{|NDSL0006:Network|}, Input(2), Linear(1)]
        public class Second;
        """,
        """
        using NetDsl;

        [Network, Input(3), Linear(1)]
        public partial class First;

        [Network, Input(2), Linear(1)]
        public partial class Second;
        """);

    [Fact]
    public Task NDSL0007_ContainingType_BecomesPartial() => Verifier.VerifyFixAsync<MakePartialCodeFixProvider>(
        """
        using NetDsl;

        public static class Models
        {
            [{|NDSL0007:Network|}, Input(3), Linear(1)]
            public partial class Net;
        }
        """,
        """
        using NetDsl;

        public static partial class Models
        {
            [Network, Input(3), Linear(1)]
            public partial class Net;
        }
        """,
        MakePartialCodeFixProvider.EquivalenceKey,
        "Make 'Models' partial");

    [Fact]
    public Task NDSL0007_TwoLevels_FixAllMakesBothPartial()
    {
        // Both diagnostics sit on the same [Network]; the property ContainingTypeDepth tells the fix which type each means.
        DiagnosticResult inner = Verifier.Diagnostic("NDSL0007").WithSpan(7, 10, 7, 17).WithArguments("Net", "Inner");
        DiagnosticResult outer = Verifier.Diagnostic("NDSL0007").WithSpan(7, 10, 7, 17).WithArguments("Net", "Outer");
        return Verifier.VerifyFixAsync<MakePartialCodeFixProvider>(
            """
            using NetDsl;

            public class Outer
            {
                internal struct Inner
                {
                    [Network, Input(3), Linear(1)]
                    public partial class Net;
                }
            }
            """,
            """
            using NetDsl;

            public partial class Outer
            {
                internal partial struct Inner
                {
                    [Network, Input(3), Linear(1)]
                    public partial class Net;
                }
            }
            """,
            expected: new[] { inner, outer });
    }

    [Fact]
    public Task NDSL0007_TwoNetworksInOneContainer_FixAllAddsPartialOnce() => Verifier.VerifyFixAsync<MakePartialCodeFixProvider>(
        """
        using NetDsl;

        public class Models
        {
            [{|NDSL0007:Network|}, Input(3), Linear(1)]
            public partial class First;

            [{|NDSL0007:Network|}, Input(2), Linear(1)]
            public partial class Second;
        }
        """,
        """
        using NetDsl;

        public partial class Models
        {
            [Network, Input(3), Linear(1)]
            public partial class First;

            [Network, Input(2), Linear(1)]
            public partial class Second;
        }
        """);

    [Fact]
    public Task NDSL0006And0007_FixAllOnBothIds_MakesClassAndContainerPartial() => Verifier.VerifyFixAsync<MakePartialCodeFixProvider>(
        """
        using NetDsl;

        public class Models
        {
            [{|NDSL0006:{|NDSL0007:Network|}|}, Input(3), Linear(1)]
            public class Net;
        }
        """,
        """
        using NetDsl;

        public partial class Models
        {
            [Network, Input(3), Linear(1)]
            public partial class Net;
        }
        """);
}
