using System.Threading.Tasks;
using Xunit;

namespace NetDsl.CodeFixes.Tests;

/// <summary>
/// NDSL0023 on a layer that needs a sequence: the <c>[Flatten]</c> that turned the sequence into a vector is removed, or
/// the recurrent layer that gives only its final state is set to return every step.
/// </summary>
public sealed class SequenceLayoutTests
{
    [Fact]
    public Task FlattenOnItsOwnLine_IsRemoved() => Verifier.VerifyFixAsync<SequenceLayoutCodeFixProvider>(
        """
        using NetDsl;

        [Network]
        [Input(4, 6)]
        [{|#1:Flatten|}]
        [{|#0:LSTM(8, Name = "lstm")|}]
        [Linear(2)]
        public partial class Net;
        """,
        """
        using NetDsl;

        [Network]
        [Input(4, 6)]
        [LSTM(8, Name = "lstm")]
        [Linear(2)]
        public partial class Net;
        """,
        SequenceLayoutCodeFixProvider.RemoveFlattenKey,
        "Remove the [Flatten] before this layer",
        Verifier.Diagnostic("NDSL0023").WithLocation(0).WithLocation(1)
            .WithArguments("'lstm'", "LSTM", "[24]", "a sequence [steps, features]: T steps of F features each (declare [Input(T, F)], and put no Flatten or Linear before it); layer #0 (Flatten) before it turns the sequence [4, 6] into a vector: remove it"));

    [Fact]
    public Task FlattenInsideAList_IsRemovedFromTheList() => Verifier.VerifyFixAsync<SequenceLayoutCodeFixProvider>(
        """
        using NetDsl;

        [Network, Input(5, 3)]
        [Dropout(0.1), {|#1:Flatten|}, {|#0:GRU(4)|}]
        public partial class Net;
        """,
        """
        using NetDsl;

        [Network, Input(5, 3)]
        [Dropout(0.1), GRU(4)]
        public partial class Net;
        """,
        SequenceLayoutCodeFixProvider.RemoveFlattenKey,
        Verifier.Diagnostic("NDSL0023").WithLocation(0).WithLocation(1)
            .WithArguments("#2", "GRU", "[15]", "a sequence [steps, features]: T steps of F features each (declare [Input(T, F)], and put no Flatten or Linear before it); layer #1 (Flatten) before it turns the sequence [5, 3] into a vector: remove it"));

    [Fact]
    public Task FinalStateBeforeAPerStepHead_ReturnsEveryStep() => Verifier.VerifyFixAsync<SequenceLayoutCodeFixProvider>(
        """
        using NetDsl;

        [Network]
        [Input(10, 3)]
        [{|#1:LSTM(8, ReturnSequences = false)|}, Dropout(0.2)]
        [{|#0:MeanOverTime|}]
        [Linear(2)]
        public partial class Net;
        """,
        """
        using NetDsl;

        [Network]
        [Input(10, 3)]
        [LSTM(8, ReturnSequences = true)]
        [MeanOverTime]
        [Linear(2)]
        public partial class Net;
        """.Replace("ReturnSequences = true)]", "ReturnSequences = true), Dropout(0.2)]", System.StringComparison.Ordinal),
        SequenceLayoutCodeFixProvider.ReturnSequencesKey,
        "Set ReturnSequences = true on the LSTM",
        Verifier.Diagnostic("NDSL0023").WithLocation(0).WithLocation(1)
            .WithArguments("#2", "MeanOverTime", "[8]", "a sequence of steps [steps, features]: the every-step output of a recurrent layer, an embedding or a per-step Linear; layer #0 (LSTM) has ReturnSequences = false and gives only its final state: set ReturnSequences = true on it, or remove this layer"));

    [Fact]
    public Task FinalStateBeforeAttention_ReturnsEveryStep() => Verifier.VerifyFixAsync<SequenceLayoutCodeFixProvider>(
        """
        using NetDsl;

        [Network]
        [Input(6, 4)]
        [{|#1:GRU(8, ReturnSequences = false, Name = "gru")|}]
        [{|#0:MultiheadAttention(2)|}]
        [LastStep, Linear(3)]
        public partial class Net;
        """,
        """
        using NetDsl;

        [Network]
        [Input(6, 4)]
        [GRU(8, ReturnSequences = true, Name = "gru")]
        [MultiheadAttention(2)]
        [LastStep, Linear(3)]
        public partial class Net;
        """,
        SequenceLayoutCodeFixProvider.ReturnSequencesKey,
        Verifier.Diagnostic("NDSL0023").WithLocation(0).WithLocation(1)
            .WithArguments("#1", "MultiheadAttention", "[8]", "a sequence of steps [steps, features]: the every-step output of a recurrent layer, an embedding or a per-step Linear; layer 'gru' (GRU) has ReturnSequences = false and gives only its final state: set ReturnSequences = true on it, or remove this layer"));

    [Fact]
    public Task LinearBeforeARecurrentLayer_HasNoFix() => Verifier.VerifyNoFixAsync<SequenceLayoutCodeFixProvider>(
        """
        using NetDsl;

        [Network]
        [Input(4, 6)]
        [Flatten, Linear(12)]
        [{|NDSL0023:LSTM(8)|}]
        public partial class Net;
        """);

    [Fact]
    public Task PerStepHeadOnPlainFeatures_HasNoFix() => Verifier.VerifyNoFixAsync<SequenceLayoutCodeFixProvider>(
        """
        using NetDsl;

        [Network]
        [Input(8)]
        [{|NDSL0023:LastStep|}]
        public partial class Net;
        """);
}
