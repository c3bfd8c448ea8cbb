using System;
using System.Linq;
using Xunit;
using static NetDsl.Tests.Reference.ReferenceLayers;

namespace NetDsl.Tests.Reference;

/// <summary>
/// The oracle's recurrent layers (RNN tanh and relu, LSTM, GRU) and Embedding checked on their own: central finite
/// differences in double for backpropagation through time over stacked and bidirectional layers, and hand-worked values
/// for what finite differences cannot see: PyTorch's gate order, b_hn inside the GRU's reset product, the reverse
/// direction's layout and h_n, the parameter names and order, Embedding's padding_idx.
/// </summary>
public sealed class ReferenceRecurrentTests
{
    // Cell, steps T, features F, hidden H, layers, bidirectional, returnSequences, bias, batch.
    public static TheoryData<string, int, int, int, int, bool, bool, bool, int> GradientCases() => new()
    {
        { "RNN", 1, 1, 1, 1, false, true, true, 1 },
        { "RNN", 5, 3, 2, 2, true, false, true, 1 },
        { "RNN", 3, 3, 5, 1, true, true, false, 2 },
        { "RNN", 5, 1, 1, 2, true, true, true, 1 },
        { "RNNReLU", 3, 1, 2, 1, false, false, true, 1 },
        { "RNNReLU", 5, 3, 2, 2, true, true, true, 1 },
        { "RNNReLU", 3, 3, 5, 2, false, true, false, 2 },
        { "LSTM", 1, 3, 2, 1, true, false, true, 1 },
        { "LSTM", 3, 1, 1, 1, false, true, true, 1 },
        { "LSTM", 5, 3, 2, 2, true, true, true, 1 },
        { "LSTM", 3, 3, 5, 2, false, false, false, 2 },
        { "LSTM", 5, 1, 2, 1, true, true, false, 1 },
        { "GRU", 1, 1, 1, 1, false, false, true, 1 },
        { "GRU", 3, 3, 2, 1, true, true, true, 2 },
        { "GRU", 5, 3, 5, 2, true, false, true, 1 },
        { "GRU", 3, 1, 2, 2, false, true, false, 1 },
        { "GRU", 5, 3, 1, 1, true, true, true, 1 },
    };

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void BackwardMatchesCentralFiniteDifferences(string cell, int steps, int features, int hidden, int layers, bool bidirectional, bool returnSequences, bool bias, int batch)
    {
        string what = $"{cell} T={steps} F={features} H={hidden} layers={layers} bidirectional={bidirectional} returnSequences={returnSequences} bias={bias} batch={batch}";
        var random = new Random(what.Aggregate(17, (seed, c) => unchecked((seed * 31) + c))); // the same draw every run
        var model = new ReferenceModel([steps, features], Recurrent(cell, hidden, "rnn", layers, bidirectional, returnSequences, bias));
        int width = (bidirectional ? 2 : 1) * hidden;
        int[] shape = returnSequences ? [steps, width] : [width];
        Assert.Equal(shape, model.OutputShape);

        // A point at least 1e-4 from relu's kink (h = 1e-6 must not cross it); tanh and sigmoid have none.
        double[] parameters = [], inputs = [];
        for (int attempt = 0; attempt < 200 && parameters.Length == 0; attempt++)
        {
            double[] p = Uniform(random, model.ParameterCount, -1, 1);
            double[] x = Uniform(random, batch * model.InputSize, -1, 1);
            if (model.Train(p, [], x, batch).Margin() >= 1e-4)
            {
                (parameters, inputs) = (p, x);
            }
        }

        Assert.NotEmpty(parameters);
        Assert.Equal(cell == "RNNReLU", model.HasKinks);
        double[] weights = Uniform(random, batch * model.OutputSize, -1, 1);
        AssertGradientsMatchFiniteDifferences(model, parameters, inputs, batch, weights, what, skippedParameters: []);
    }

    [Fact]
    public void TheGradientCasesCoverEveryCellAndOption()
    {
        var cases = GradientCases().Select(row => row.ToArray()).ToArray();
        Assert.True(cases.Length >= 12);
        foreach (string cell in (string[])["RNN", "RNNReLU", "LSTM", "GRU"])
        {
            object[][] ofCell = cases.Where(c => (string)c[0] == cell).ToArray();
            Assert.Contains(ofCell, c => (int)c[4] == 1);
            Assert.Contains(ofCell, c => (int)c[4] == 2);
            Assert.Contains(ofCell, c => (bool)c[5]);
            Assert.Contains(ofCell, c => !(bool)c[5]);
            Assert.Contains(ofCell, c => (bool)c[6]);
            Assert.Contains(ofCell, c => !(bool)c[6]);
            Assert.Contains(ofCell, c => (bool)c[7]);
            Assert.Contains(ofCell, c => !(bool)c[7]);
        }
    }

    [Fact]
    public void ParametersFollowPyTorchsStateDictNamesShapesOrderAndInitialization()
    {
        // nn.LSTM(2, 5, num_layers=2, bidirectional=True, batch_first=True).state_dict(): per layer, the forward direction's
        // four tensors then the reverse direction's; G*H = 20 rows; layer 1 reads 2H = 10 features.
        var lstm = new ReferenceModel([3, 2], LSTM(5, "lstm", layers: 2, bidirectional: true));
        Assert.Equal([3, 10], lstm.OutputShape);
        string[] names =
        [
            "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
            "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
            "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
            "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse",
        ];
        Assert.Equal(names.Select(n => "lstm." + n), lstm.ParameterTensors.Select(t => t.Name));
        int[][] layer0 = [[20, 2], [20, 5], [20], [20]];
        int[][] layer1 = [[20, 10], [20, 5], [20], [20]];
        Assert.Equal([.. layer0, .. layer0, .. layer1, .. layer1], lstm.ParameterTensors.Select(t => t.Shape));
        Assert.Equal((2 * ((20 * 2) + (20 * 5) + 40)) + (2 * ((20 * 10) + (20 * 5) + 40)), lstm.ParameterCount); // 1040, as PyTorch counts
        AssertContiguous(lstm);

        // Every tensor uniform in ±1/sqrt(H): fan-in H, whatever its shape.
        Assert.All(lstm.ParameterTensors, t => Assert.Equal((5, 0.0), (t.FanIn, t.InitialValue)));

        // GRU: 3H rows (r, z, n); without bias only the weights; h_n of both directions.
        var gru = new ReferenceModel([4, 3], GRU(2, "gru", bidirectional: true, returnSequences: false, bias: false));
        Assert.Equal([4], gru.OutputShape);
        Assert.Equal(["gru.weight_ih_l0", "gru.weight_hh_l0", "gru.weight_ih_l0_reverse", "gru.weight_hh_l0_reverse"], gru.ParameterTensors.Select(t => t.Name));
        Assert.Equal([[6, 3], [6, 2], [6, 3], [6, 2]], gru.ParameterTensors.Select(t => t.Shape));
        AssertContiguous(gru);

        // RNN: H rows.
        var rnn = new ReferenceModel([1, 1], RNN(3, "r", relu: true, layers: 2));
        Assert.Equal([[3, 1], [3, 3], [3], [3], [3, 3], [3, 3], [3], [3]], rnn.ParameterTensors.Select(t => t.Shape));
        AssertContiguous(rnn);

        Assert.Equal(["RNN", "RNN", "LSTM", "GRU", "Embedding"],
            ((ReferenceModule[])[RNN(1, "a"), RNN(1, "b", relu: true), LSTM(1, "c"), GRU(1, "d"), Embedding(2, 1, "e")]).Select(m => m.Kind));
        Assert.Throws<ArgumentException>(() => new ReferenceModel([3], LSTM(2, "l")));
    }

    [Fact]
    public void RnnTanhComputesItsEquationByHand()
    {
        // weight_ih_l0 = 0.5, weight_hh_l0 = -0.25, bias_ih_l0 = 0.1, bias_hh_l0 = 0.2; x = [1, 2].
        // h_0 = tanh(0.5*1 + 0.1 + (-0.25)*0 + 0.2) = tanh(0.8) = 0.6640367702678491
        // h_1 = tanh(0.5*2 + 0.1 - 0.25*0.6640367702678491 + 0.2) = tanh(1.1339908074330378) = 0.8123806933248059
        var model = new ReferenceModel([2, 1], RNN(1, "rnn"));
        double[] parameters = [0.5, -0.25, 0.1, 0.2];
        AssertClose([0.6640367702678491, 0.8123806933248059], model.Infer(parameters, [], [1, 2], 1), 1e-15);
        AssertClose([0.8123806933248059], new ReferenceModel([2, 1], RNN(1, "rnn", returnSequences: false)).Infer(parameters, [], [1, 2], 1), 1e-15);
    }

    [Fact]
    public void RnnReluComputesItsEquationByHandAndReportsItsKinkMargin()
    {
        // weight_ih = 0.5, weight_hh = 2, bias_ih = 0.1, bias_hh = 0.2.
        // x = [1, -0.5]: h_0 = relu(0.5 + 0.3) = 0.8; h_1 = relu(-0.25 + 0.3 + 2*0.8) = relu(1.65) = 1.65.
        var model = new ReferenceModel([2, 1], RNN(1, "rnn", relu: true));
        double[] parameters = [0.5, 2, 0.1, 0.2];
        ReferenceTrace trace = model.Train(parameters, [], [1, -0.5], 1);
        AssertClose([0.8, 1.65], trace.Outputs, 1e-15);
        Assert.Equal(0.8, trace.Margin(), 15);

        // x = [-1, 1]: h_0 = relu(-0.5 + 0.3) = relu(-0.2) = 0; h_1 = relu(0.5 + 0.3 + 2*0) = 0.8. The kink margin is |-0.2|.
        trace = model.Train(parameters, [], [-1, 1], 1);
        AssertClose([0, 0.8], trace.Outputs, 1e-15);
        Assert.Equal(0.2, trace.Margin(), 15);

        // Backward with dy = [1, 1]: step 0 is clipped, so only step 1 passes gradient: dh_1/dx_1 = 0.5, dx_0 = 0;
        // weight_ih: x_1 = 1; weight_hh: h_0 = 0; each bias: 1.
        ReferenceGradients gradients = trace.Backward([1, 1]);
        AssertClose([0, 0.5], gradients.Inputs, 1e-15);
        AssertClose([1, 0, 1, 1], gradients.Parameters, 1e-15);
    }

    [Fact]
    public void LstmComputesItsEquationsInPyTorchsGateOrderByHand()
    {
        // Gate rows i, f, g, o. weight_ih = [0.5, -1, 2, 1], weight_hh = [0.1, 0.2, -0.3, 0.4],
        // bias_ih = [0, 1, 0, -0.5], bias_hh = [0.5, 0, 0.25, 0]; x = [1, 0.5]; h = c = 0 before step 0.
        // Step 0: pre-activations i: 0.5 + 0 + 0.5 = 1, f: -1 + 1 = 0, g: 2 + 0.25 = 2.25, o: 1 - 0.5 = 0.5;
        //   i = σ(1) = 0.7310585786300049, f = σ(0) = 0.5, g = tanh(2.25) = 0.9780261147388136, o = σ(0.5) = 0.6224593312018546;
        //   c_0 = 0.5*0 + 0.7310585786300049*0.9780261147388136 = 0.7149943813039832;
        //   h_0 = 0.6224593312018546 * tanh(0.7149943813039832) = 0.3820649957590064.
        // Step 1 (x = 0.5, h_0 above): i: 0.25 + 0.1 h_0 + 0.5 = 0.7882064995759006, f: -0.5 + 1 + 0.2 h_0 = 0.5764129991518012,
        //   g: 1 + 0.25 - 0.3 h_0 = 1.135380501272298, o: 0.5 - 0.5 + 0.4 h_0 = 0.15282599830360255;
        //   i = 0.6874461015925944, f = 0.640241620517185, g = 0.8128527083052055, o = 0.5381323109429127;
        //   c_1 = 0.640241620517185*0.7149943813039832 + 0.6874461015925944*0.8128527083052055 = 1.01656158684014;
        //   h_1 = 0.5381323109429127 * tanh(1.01656158684014) = 0.41353441474536784.
        double[] parameters = [0.5, -1, 2, 1, 0.1, 0.2, -0.3, 0.4, 0, 1, 0, -0.5, 0.5, 0, 0.25, 0];
        AssertClose([0.3820649957590064, 0.41353441474536784], new ReferenceModel([2, 1], LSTM(1, "lstm")).Infer(parameters, [], [1, 0.5], 1), 1e-15);
        AssertClose([0.41353441474536784], new ReferenceModel([2, 1], LSTM(1, "lstm", returnSequences: false)).Infer(parameters, [], [1, 0.5], 1), 1e-15);
    }

    [Fact]
    public void GruComputesItsEquationsInPyTorchsGateOrderWithTheHiddenBiasInsideTheResetProductByHand()
    {
        // Gate rows r, z, n. weight_ih = [1, -1, 2], weight_hh = [0.5, 0.25, -1], bias_ih = [0, 0.5, 0.1],
        // bias_hh = [0.2, 0, 0.3]; x = [1, -1]; h = 0 before step 0.
        // Step 0: r = σ(1 + 0.2) = σ(1.2) = 0.7685247834990175, z = σ(-1 + 0.5) = σ(-0.5) = 0.3775406687981454;
        //   W_hn h + b_hn = 0.3; n = tanh(2 + 0.1 + 0.7685247834990175*0.3) = tanh(2.3305574350497054) = 0.9812653246728396;
        //   h_0 = (1 - 0.3775406687981454)*0.9812653246728396 + 0.3775406687981454*0 = 0.6107977577274264.
        // Step 1 (x = -1): r = σ(-1 + 0.5 h_0 + 0.2) = σ(-0.4946011211362868) = 0.37881026167157805,
        //   z = σ(1 + 0.5 + 0.25 h_0) = σ(1.6526994394318566) = 0.8392555536973537;
        //   W_hn h + b_hn = -h_0 + 0.3 = -0.3107977577274264; n = tanh(-2 + 0.1 + r*(-0.3107977577274264))
        //   = tanh(-2.017733379931666) = -0.9652592725287819;
        //   h_1 = (1 - z)*(-0.9652592725287819) + z*0.6107977577274264 = 0.35745534305749915.
        double[] parameters = [1, -1, 2, 0.5, 0.25, -1, 0, 0.5, 0.1, 0.2, 0, 0.3];
        AssertClose([0.6107977577274264, 0.35745534305749915], new ReferenceModel([2, 1], GRU(1, "gru")).Infer(parameters, [], [1, -1], 1), 1e-15);
        AssertClose([0.35745534305749915], new ReferenceModel([2, 1], GRU(1, "gru", returnSequences: false)).Infer(parameters, [], [1, -1], 1), 1e-15);
    }

    [Fact]
    public void TheLstmForgetGateIsRowsHTo2H()
    {
        // H = 2, gates i, f, g, o of 2 rows each (rows 0-1, 2-3, 4-5, 6-7). Only the candidate g reads the input
        // (weight_ih rows 4-5 = 1); bias_ih: i rows 0-1 = 30 and o rows 6-7 = 30 (open: σ(30) = 1 - 9e-14), forget rows
        // 2-3 = ±30. x = [1, 0]: step 0 stores c_0 = tanh(1); step 1 adds g = tanh(0) = 0 and keeps f c_0.
        var model = new ReferenceModel([2, 1], LSTM(2, "lstm"));
        double[] Parameters(double forget)
        {
            var p = new double[model.ParameterCount];
            ReferenceTensor weightIh = model.ParameterTensors.Single(t => t.Name == "lstm.weight_ih_l0");
            ReferenceTensor biasIh = model.ParameterTensors.Single(t => t.Name == "lstm.bias_ih_l0");
            p[weightIh.Offset + 4] = p[weightIh.Offset + 5] = 1;
            p[biasIh.Offset + 0] = p[biasIh.Offset + 1] = 30;
            p[biasIh.Offset + 2] = p[biasIh.Offset + 3] = forget;
            p[biasIh.Offset + 6] = p[biasIh.Offset + 7] = 30;
            return p;
        }

        double remembered = Math.Tanh(Math.Tanh(1));

        // Forget gate open: h_1 = tanh(c_0) as h_0. Closed: c_1 = 0, h_1 = 0; step 0 is unchanged (c_(-1) = 0 either way).
        AssertClose([remembered, remembered, remembered, remembered], model.Infer(Parameters(30), [], [1, 0], 1), 1e-12);
        AssertClose([remembered, remembered, 0, 0], model.Infer(Parameters(-30), [], [1, 0], 1), 1e-12);
    }

    [Fact]
    public void TheGruUpdateGateIsRowsHTo2HAndTheResetGateMultipliesTheHiddenBias()
    {
        // H = 2, gates r, z, n of 2 rows each (rows 0-1, 2-3, 4-5). Only n reads the input (weight_ih rows 4-5 = 1);
        // weight_hh = 0, so W_hn h + b_hn = b_hn. x = [1, 1].
        var model = new ReferenceModel([2, 1], GRU(2, "gru"));
        double[] Parameters(double reset, double update, double hiddenBias)
        {
            var p = new double[model.ParameterCount];
            ReferenceTensor weightIh = model.ParameterTensors.Single(t => t.Name == "gru.weight_ih_l0");
            ReferenceTensor biasIh = model.ParameterTensors.Single(t => t.Name == "gru.bias_ih_l0");
            ReferenceTensor biasHh = model.ParameterTensors.Single(t => t.Name == "gru.bias_hh_l0");
            p[weightIh.Offset + 4] = p[weightIh.Offset + 5] = 1;
            p[biasIh.Offset + 0] = p[biasIh.Offset + 1] = reset;
            p[biasIh.Offset + 2] = p[biasIh.Offset + 3] = update;
            p[biasHh.Offset + 4] = p[biasHh.Offset + 5] = hiddenBias;
            return p;
        }

        // z = σ(30) ≈ 1 keeps h_(t-1) = 0 at every step; z = σ(-30) ≈ 0 takes n = tanh(x + r b_hn).
        AssertClose([0, 0, 0, 0], model.Infer(Parameters(30, 30, 2), [], [1, 1], 1), 1e-12);
        double open = Math.Tanh(1 + 2); // r = σ(30) ≈ 1: n = tanh(1 + b_hn)
        AssertClose([open, open, open, open], model.Infer(Parameters(30, -30, 2), [], [1, 1], 1), 1e-12);
        double closed = Math.Tanh(1); // r = σ(-30) ≈ 0: b_hn is reset away with W_hn h (b_in would not be)
        AssertClose([closed, closed, closed, closed], model.Infer(Parameters(-30, -30, 2), [], [1, 1], 1), 1e-12);
    }

    [Fact]
    public void TheReverseDirectionAndHnFollowPyTorchsLayoutByHand()
    {
        // nn.RNN(1, 1, nonlinearity='relu', bias=False, bidirectional=True): weight_ih_l0 = 1, weight_hh_l0 = 0.5,
        // weight_ih_l0_reverse = 2, weight_hh_l0_reverse = 0.25; x = [1, 2, 4] (all positive: relu is the identity).
        // Forward: h_0 = 1, h_1 = 2 + 0.5*1 = 2.5, h_2 = 4 + 0.5*2.5 = 5.25.
        // Reverse, from t = 2 down: r_2 = 2*4 = 8, r_1 = 2*2 + 0.25*8 = 6, r_0 = 2*1 + 0.25*6 = 3.5.
        // output [T, 2H] = [[h_0, r_0], [h_1, r_1], [h_2, r_2]]; h_n = [h_2, r_0] (forward after the last step, reverse after the first).
        double[] parameters = [1, 0.5, 2, 0.25];
        double[] x = [1, 2, 4];
        var sequences = new ReferenceModel([3, 1], RNN(1, "rnn", relu: true, bidirectional: true, bias: false));
        Assert.Equal([1, 3.5, 2.5, 6, 5.25, 8], sequences.Infer(parameters, [], x, 1));
        var final = new ReferenceModel([3, 1], RNN(1, "rnn", relu: true, bidirectional: true, returnSequences: false, bias: false));
        ReferenceTrace trace = final.Train(parameters, [], x, 1);
        Assert.Equal([5.25, 3.5], trace.Outputs);

        // dL/dh_2 = 1: h_2 = w x_2 + u (w x_1 + u w x_0), w = 1, u = 0.5: dx = [u^2 w, u w, w] = [0.25, 0.5, 1];
        // dw = x_2 + u (x_1 + u x_0) = 5.25, du = h_1 + u h_0 = 3; the reverse direction gets nothing.
        ReferenceGradients forward = trace.Backward([1, 0]);
        Assert.Equal([0.25, 0.5, 1], forward.Inputs);
        Assert.Equal([5.25, 3, 0, 0], forward.Parameters);

        // dL/dr_0 = 1: r_0 = w x_0 + u (w x_1 + u w x_2), w = 2, u = 0.25: dx = [2, 0.5, 0.125];
        // dw = x_0 + u (x_1 + u x_2) = 1.75, du = r_1 + u r_2 = 8.
        ReferenceGradients reverse = trace.Backward([0, 1]);
        Assert.Equal([2, 0.5, 0.125], reverse.Inputs);
        Assert.Equal([0, 0, 1.75, 8], reverse.Parameters);
    }

    [Fact]
    public void StackedLayersReadThePreviousLayersForwardThenReverseStatesByHand()
    {
        // relu, H = 1, no bias, x = [1, 2]. Layer 0: forward w = 1, u = 0 (h = x); reverse w = 10, u = 0 (h = 10 x):
        // its output is [[1, 10], [2, 20]]. Layer 1 (weight_ih [1, 2]): forward [1, 0] picks the forward half, reverse
        // [0, 1] the reverse half, u = 0: output [[1, 10], [2, 20]] again; swapped halves would give [[10, 1], [20, 2]].
        var model = new ReferenceModel([2, 1], RNN(1, "rnn", relu: true, layers: 2, bidirectional: true, bias: false));
        Assert.Equal(["rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.weight_ih_l0_reverse", "rnn.weight_hh_l0_reverse",
            "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.weight_ih_l1_reverse", "rnn.weight_hh_l1_reverse"], model.ParameterTensors.Select(t => t.Name));
        Assert.Equal([1, 10, 2, 20], model.Infer([1, 0, 10, 0, 1, 0, 0, 0, 1, 0], [], [1, 2], 1));

        // Unidirectional, two layers: layer 0 w = 1, u = 0.5 gives [1, 2.5]; layer 1 w = 2, u = 1 gives [2, 5 + 2] = [2, 7].
        Assert.Equal([2, 7], new ReferenceModel([2, 1], RNN(1, "rnn", relu: true, layers: 2, bias: false)).Infer([1, 0.5, 2, 1], [], [1, 2], 1));
    }

    [Theory]
    [InlineData("RNN")]
    [InlineData("RNNReLU")]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    public void TheReverseDirectionIsTheForwardCellOnTheReversedSequence(string cell)
    {
        // A bidirectional layer's second half at step t equals a unidirectional layer with the *_reverse tensors run on
        // the reversed sequence, at step T-1-t; h_n is [output[T-1, :H], output[0, H:]].
        const int steps = 4, features = 3, hidden = 2;
        var random = new Random(7);
        var bidirectional = new ReferenceModel([steps, features], Recurrent(cell, hidden, "m", 1, true, true, true));
        var final = new ReferenceModel([steps, features], Recurrent(cell, hidden, "m", 1, true, false, true));
        var forward = new ReferenceModel([steps, features], Recurrent(cell, hidden, "m", 1, false, true, true));
        double[] parameters = Uniform(random, bidirectional.ParameterCount, -1, 1);
        double[] x = Uniform(random, steps * features, -1, 1);
        double[] reversed = Enumerable.Range(0, steps).SelectMany(t => x.Skip((steps - 1 - t) * features).Take(features)).ToArray();

        double[] both = bidirectional.Infer(parameters, [], x, 1);
        double[] ofForward = forward.Infer(parameters[..forward.ParameterCount], [], x, 1);
        double[] ofReverse = forward.Infer(parameters[forward.ParameterCount..], [], reversed, 1);
        for (int t = 0; t < steps; t++)
        {
            AssertClose(ofForward.Skip(t * hidden).Take(hidden).ToArray(), both.Skip(t * 2 * hidden).Take(hidden).ToArray(), 0);
            AssertClose(ofReverse.Skip((steps - 1 - t) * hidden).Take(hidden).ToArray(), both.Skip((t * 2 * hidden) + hidden).Take(hidden).ToArray(), 0);
        }

        AssertClose([.. both.Skip((steps - 1) * 2 * hidden).Take(hidden), .. both.Skip(hidden).Take(hidden)], final.Infer(parameters, [], x, 1), 0);
    }

    [Fact]
    public void EmbeddingPicksRowsAndAccumulatesRepeatedIndicesExceptPadding()
    {
        // nn.Embedding(4, 2): weight rows [0, 1], [2, 3], [4, 5], [6, 7]; x = [2, 0, 2] picks rows 2, 0, 2.
        var model = new ReferenceModel([3], Embedding(4, 2, "emb"));
        Assert.Equal([3, 2], model.OutputShape);
        Assert.Equal(["emb.weight"], model.ParameterTensors.Select(t => t.Name));
        Assert.Equal([4, 2], model.ParameterTensors[0].Shape);
        double[] weight = [0, 1, 2, 3, 4, 5, 6, 7];
        ReferenceTrace trace = model.Train(weight, [], [2, 0, 2], 1);
        Assert.Equal([4, 5, 0, 1, 4, 5], trace.Outputs);

        // dy = [[1, 2], [3, 4], [5, 6]]: row 0 gets [3, 4], row 2 gets [1 + 5, 2 + 6] = [6, 8]; indices get no gradient.
        ReferenceGradients gradients = trace.Backward([1, 2, 3, 4, 5, 6]);
        Assert.Equal([3, 4, 0, 0, 6, 8, 0, 0], gradients.Parameters);
        Assert.Equal([0, 0, 0], gradients.Inputs);

        // padding_idx=2 (and -2, counted from the end): the row still reads what it holds, but gets no gradient.
        foreach (int padding in (int[])[2, -2])
        {
            var padded = new ReferenceModel([3], Embedding(4, 2, "emb", paddingIndex: padding));
            ReferenceTrace paddedTrace = padded.Train(weight, [], [2, 0, 2], 1);
            Assert.Equal([4, 5, 0, 1, 4, 5], paddedTrace.Outputs);
            Assert.Equal([3, 4, 0, 0, 0, 0, 0, 0], paddedTrace.Backward([1, 2, 3, 4, 5, 6]).Parameters);
        }

        // A batch of two samples, x = [[1, 3, 3], [3, 1, 2]], dy = [[[1, 1], [1, 1], [1, 1]], [[1, 1], [2, 2], [5, 5]]]:
        // row 1 gets [1, 1] + [2, 2], row 3 gets [1, 1] + [1, 1] + [1, 1], row 2 gets [5, 5], row 0 nothing.
        Assert.Equal([0, 0, 3, 3, 5, 5, 3, 3], model.Train(weight, [], [1, 3, 3, 3, 1, 2], 2).Backward([1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 5, 5]).Parameters);

        // PyTorch's N(0, 1) cannot be expressed as uniform(±1/sqrt(FanIn)) or a constant: no fan-in, no usable constant.
        Assert.Equal(0, model.ParameterTensors[0].FanIn);
        Assert.True(double.IsNaN(model.ParameterTensors[0].InitialValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => Embedding(4, 2, "emb", paddingIndex: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Embedding(4, 2, "emb", paddingIndex: -5));
    }

    [Fact]
    public void EmbeddingRejectsIndicesOutsideTheVocabularyNamingIndexPositionAndSize()
    {
        var model = new ReferenceModel([3], Embedding(4, 2, "emb"));
        double[] weight = new double[8];
        ArgumentOutOfRangeException above = Assert.Throws<ArgumentOutOfRangeException>(() => model.Infer(weight, [], [1, 0, 4], 1));
        Assert.Contains("index 4 at position 2", above.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 4)", above.Message, StringComparison.Ordinal);
        Assert.Contains("4 embeddings", above.Message, StringComparison.Ordinal);
        ArgumentOutOfRangeException below = Assert.Throws<ArgumentOutOfRangeException>(() => model.Infer(weight, [], [-1, 0, 0], 1));
        Assert.Contains("index -1 at position 0", below.Message, StringComparison.Ordinal);
        ArgumentOutOfRangeException second = Assert.Throws<ArgumentOutOfRangeException>(() => model.Infer(weight, [], [0, 0, 0, 0, 9, 0], 2));
        Assert.Contains("index 9 at position 1 of sample 1", second.Message, StringComparison.Ordinal);
        ArgumentException fraction = Assert.Throws<ArgumentException>(() => model.Infer(weight, [], [0, 1.5, 0], 1));
        Assert.Contains("1.5 at position 1", fraction.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmbeddingIntoRecurrentLayersMatchesCentralFiniteDifferences()
    {
        // Embedding(5, 3, padding_idx=1) -> bidirectional GRU -> LSTM h_n -> Linear: every parameter but the padding row
        // against finite differences; the padding row changes the loss (it is read) yet gets no gradient, as in PyTorch.
        var random = new Random(11);
        var model = new ReferenceModel([4], Embedding(5, 3, "emb", paddingIndex: 1), GRU(2, "gru", bidirectional: true), LSTM(3, "lstm", returnSequences: false), Linear(2, "fc"));
        Assert.Equal([2], model.OutputShape);
        double[] parameters = Uniform(random, model.ParameterCount, -1, 1);
        double[] inputs = [0, 1, 4, 0, 3, 1, 1, 2];
        double[] weights = Uniform(random, 2 * model.OutputSize, -1, 1);
        int[] padding = [3, 4, 5];
        AssertGradientsMatchFiniteDifferences(model, parameters, inputs, 2, weights, "Embedding GRU LSTM Linear", skippedParameters: padding, checkInputs: false);

        ReferenceGradients gradients = model.Train(parameters, [], inputs, 2).Backward(weights);
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0], gradients.Inputs);
        foreach (int j in padding)
        {
            Assert.Equal(0, gradients.Parameters[j]);
            Assert.NotEqual(0, CentralDifferences.At(parameters, j, 1e-6, p => WeightedSum(model.Train(p, [], inputs, 2).Outputs, weights)));
        }
    }

    private static ReferenceModule Recurrent(string cell, int hidden, string name, int layers, bool bidirectional, bool returnSequences, bool bias) => cell switch
    {
        "RNN" => RNN(hidden, name, relu: false, layers, bidirectional, returnSequences, bias),
        "RNNReLU" => RNN(hidden, name, relu: true, layers, bidirectional, returnSequences, bias),
        "LSTM" => LSTM(hidden, name, layers, bidirectional, returnSequences, bias),
        "GRU" => GRU(hidden, name, layers, bidirectional, returnSequences, bias),
        _ => throw new ArgumentOutOfRangeException(nameof(cell)),
    };

    private static double WeightedSum(double[] outputs, double[] weights) => outputs.Zip(weights, (y, w) => y * w).Sum();

    // The loss sum(w_i y_i), whose output gradient is w: every parameter's gradient (but the skipped ones) and every
    // input's against central differences. As ReferenceModelTests: truncation ~h^2 |f'''|, rounding ~1e-16 |f| / h,
    // both far below 1e-7.
    private static void AssertGradientsMatchFiniteDifferences(ReferenceModel model, double[] parameters, double[] inputs, int batch, double[] weights, string what,
        int[] skippedParameters, bool checkInputs = true)
    {
        const double h = 1e-6;
        const double tolerance = 1e-7;
        ReferenceGradients analytic = model.Train(parameters, [], inputs, batch).Backward(weights);
        double Loss(double[] p, double[] x) => WeightedSum(model.Train(p, [], x, batch).Outputs, weights);
        string[] names = new string[parameters.Length];
        foreach (ReferenceTensor tensor in model.ParameterTensors)
        {
            Array.Fill(names, tensor.Name, tensor.Offset, tensor.Length);
        }

        for (int j = 0; j < parameters.Length; j++)
        {
            if (skippedParameters.Contains(j))
            {
                continue;
            }

            double numeric = CentralDifferences.At(parameters, j, h, p => Loss(p, inputs));
            Assert.True(Math.Abs(numeric - analytic.Parameters[j]) <= tolerance * Math.Max(1, Math.Abs(numeric)), $"{what}, parameter {j} ({names[j]}): finite difference {numeric:R}, backward {analytic.Parameters[j]:R}.");
        }

        if (!checkInputs)
        {
            return;
        }

        for (int j = 0; j < inputs.Length; j++)
        {
            double numeric = CentralDifferences.At(inputs, j, h, x => Loss(parameters, x));
            Assert.True(Math.Abs(numeric - analytic.Inputs[j]) <= tolerance * Math.Max(1, Math.Abs(numeric)), $"{what}, input {j}: finite difference {numeric:R}, backward {analytic.Inputs[j]:R}.");
        }
    }

    private static void AssertContiguous(ReferenceModel model)
    {
        int offset = 0;
        foreach (ReferenceTensor tensor in model.ParameterTensors)
        {
            Assert.Equal(offset, tensor.Offset);
            offset += tensor.Length;
        }

        Assert.Equal(model.ParameterCount, offset);
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int j = 0; j < expected.Length; j++)
        {
            Assert.True(Math.Abs(expected[j] - actual[j]) <= tolerance, $"element {j}: expected {expected[j]:R}, got {actual[j]:R}.");
        }
    }

    private static double[] Uniform(Random random, int count, double low, double high) =>
        Enumerable.Range(0, count).Select(_ => low + ((high - low) * random.NextDouble())).ToArray();
}
