using System;
using System.Collections.Generic;

namespace NetDsl.Tests.Reference;

// The sequence layers of the oracle: PyTorch's nn.RNN, nn.LSTM and nn.GRU with batch_first=True, and nn.Embedding, in
// double precision with plain loops, from the equations of PyTorch's documentation. Like the rest of the oracle they
// share no code with NetDsl's runtime or generated code. The backward pass of the recurrent layers is backpropagation
// through time: the forward pass is recomputed from the recorded input (as the normalizations recompute their
// statistics) with every gate value kept, then walked back step by step. ReferenceRecurrentTests checks both layers
// against central finite differences and hand-worked values.

/// <summary>The cell of a <see cref="ReferenceRecurrent"/> layer.</summary>
internal enum ReferenceRecurrentCell
{
    /// <summary><c>nn.RNN(nonlinearity='tanh')</c>.</summary>
    RNNTanh,

    /// <summary><c>nn.RNN(nonlinearity='relu')</c>.</summary>
    RNNReLU,

    /// <summary><c>nn.LSTM</c>, gate rows i, f, g, o.</summary>
    LSTM,

    /// <summary><c>nn.GRU</c>, gate rows r, z, n.</summary>
    GRU,
}

/// <summary>
/// <c>nn.RNN</c>, <c>nn.LSTM</c> or <c>nn.GRU</c> with <c>batch_first=True</c> on samples <c>[T, F]</c> (T steps of F
/// features, step-major), zero initial states, <c>num_layers</c> stacked layers without dropout between them, one or two
/// directions. Output <c>[T, D*H]</c> (PyTorch's <c>output</c>: at step t the forward direction's <c>h_t</c>, then the
/// reverse direction's) or, without sequences, <c>[D*H]</c> (the last layer's <c>h_n</c>: the forward direction's state
/// after step T-1, then the reverse direction's after step 0, <c>torch.cat([h_n[-2], h_n[-1]])</c>).
/// </summary>
/// <remarks>
/// Equations (PyTorch's documentation; <c>W_i*</c> and <c>b_i*</c> are the rows of <c>weight_ih</c> and <c>bias_ih</c>
/// for a gate, <c>W_h*</c> and <c>b_h*</c> those of <c>weight_hh</c> and <c>bias_hh</c>):
/// RNN <c>h_t = act(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)</c>;
/// LSTM <c>i = σ(W_ii x + b_ii + W_hi h + b_hi)</c>, <c>f = σ(..)</c>, <c>g = tanh(..)</c>, <c>o = σ(..)</c>,
/// <c>c_t = f c_(t-1) + i g</c>, <c>h_t = o tanh(c_t)</c>;
/// GRU <c>r = σ(W_ir x + b_ir + W_hr h + b_hr)</c>, <c>z = σ(W_iz x + b_iz + W_hz h + b_hz)</c>,
/// <c>n = tanh(W_in x + b_in + r (W_hn h + b_hn))</c>, <c>h_t = (1 - z) n + z h_(t-1)</c>.
/// Parameters, in <c>state_dict()</c> order, for layer k and direction suffix s ("" then "_reverse"):
/// <c>weight_ih_l{k}{s}</c> <c>[G*H, in_k]</c>, <c>weight_hh_l{k}{s}</c> <c>[G*H, H]</c>, <c>bias_ih_l{k}{s}</c> and
/// <c>bias_hh_l{k}{s}</c> <c>[G*H]</c>, all uniform in <c>±1/sqrt(H)</c> (fan-in H); <c>in_0 = F</c>, <c>in_k = D*H</c>.
/// </remarks>
internal sealed class ReferenceRecurrent : ReferenceModule
{
    public override string Kind => _cell switch
    {
        ReferenceRecurrentCell.LSTM => "LSTM",
        ReferenceRecurrentCell.GRU => "GRU",
        _ => "RNN",
    };

    private readonly ReferenceRecurrentCell _cell;
    private readonly int _hidden;
    private readonly int _layers;
    private readonly bool _bidirectional;
    private readonly bool _returnSequences;
    private readonly bool _bias;
    private readonly string _name;
    private readonly int _gates;
    private int _steps, _features;

    // The tensors of layer k, direction d at index k * Directions + d.
    private Cell[] _cells = [];

    public ReferenceRecurrent(ReferenceRecurrentCell cell, int hidden, int layers, bool bidirectional, bool returnSequences, bool bias, string name)
    {
        if (hidden < 1 || layers < 1)
        {
            throw new ArgumentException($"{cell} '{name}': hidden size {hidden} and layer count {layers} must be positive.");
        }

        _cell = cell;
        _hidden = hidden;
        _layers = layers;
        _bidirectional = bidirectional;
        _returnSequences = returnSequences;
        _bias = bias;
        _name = name;
        _gates = cell switch
        {
            ReferenceRecurrentCell.LSTM => 4,
            ReferenceRecurrentCell.GRU => 3,
            _ => 1,
        };
    }

    public override bool HasKink => _cell == ReferenceRecurrentCell.RNNReLU;

    private int Directions => _bidirectional ? 2 : 1;

    /// <summary>The offsets of one layer and direction's tensors (biases -1 without bias) and its input width.</summary>
    private sealed record Cell(int Layer, int Direction, int InputSize, int WeightIh, int WeightHh, int BiasIh, int BiasHh);

    /// <summary>One step of one direction, as processed: the values backward needs.</summary>
    private sealed class Step
    {
        public Step(int time, double[] input, double[] hPrevious, double[] cPrevious, int rows, int hidden)
        {
            Time = time;
            Input = input;
            HPrevious = hPrevious;
            CPrevious = cPrevious;
            InputSide = new double[rows];
            HiddenSide = new double[rows];
            Gates = new double[rows];
            C = new double[hidden];
            H = new double[hidden];
        }

        public int Time { get; }

        /// <summary>x_t, the layer's input at this step.</summary>
        public double[] Input { get; }

        public double[] HPrevious { get; }

        public double[] CPrevious { get; }

        /// <summary><c>W_ih x_t + b_ih</c>, all gate rows.</summary>
        public double[] InputSide { get; }

        /// <summary><c>W_hh h_(t-1) + b_hh</c>, all gate rows.</summary>
        public double[] HiddenSide { get; }

        /// <summary>The activated gates (LSTM i, f, g, o; GRU r, z, n); for RNN the pre-activation.</summary>
        public double[] Gates { get; }

        /// <summary>The LSTM cell state c_t.</summary>
        public double[] C { get; }

        public double[] H { get; }
    }

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder)
    {
        if (inShape.Length != 2 || inShape[0] < 1 || inShape[1] < 1)
        {
            throw new ArgumentException($"{Kind} '{_name}' needs a [T, F] input, got {Text(inShape)}.");
        }

        _steps = inShape[0];
        _features = inShape[1];
        int rows = _gates * _hidden;
        var cells = new List<Cell>();
        for (int k = 0; k < _layers; k++)
        {
            int inputSize = k == 0 ? _features : Directions * _hidden;
            for (int d = 0; d < Directions; d++)
            {
                string suffix = $"_l{k}" + (d == 1 ? "_reverse" : "");
                int weightIh = builder.AddParameter($"{_name}.weight_ih{suffix}", _hidden, 0, rows, inputSize);
                int weightHh = builder.AddParameter($"{_name}.weight_hh{suffix}", _hidden, 0, rows, _hidden);
                int biasIh = _bias ? builder.AddParameter($"{_name}.bias_ih{suffix}", _hidden, 0, rows) : -1;
                int biasHh = _bias ? builder.AddParameter($"{_name}.bias_hh{suffix}", _hidden, 0, rows) : -1;
                cells.Add(new Cell(k, d, inputSize, weightIh, weightHh, biasIh, biasHh));
            }
        }

        _cells = cells.ToArray();
        return _returnSequences ? [_steps, Directions * _hidden] : [Directions * _hidden];
    }

    private static double Sigmoid(double v) => ReferenceMath.Activate(ReferenceActivation.Sigmoid, 0, v);

    // Sample n of the batch as T rows of F features.
    private double[][] Sequence(double[] x, int n)
    {
        var rows = new double[_steps][];
        for (int t = 0; t < _steps; t++)
        {
            rows[t] = new double[_features];
            Array.Copy(x, (n * InSize) + (t * _features), rows[t], 0, _features);
        }

        return rows;
    }

    // One direction of one layer over the whole sequence: the steps in processing order (t = T-1 first for the reverse
    // direction), each step's h at its own time.
    private Step[] RunDirection(double[] p, Cell cell, double[][] input)
    {
        int hidden = _hidden;
        int rows = _gates * hidden;
        var steps = new Step[_steps];
        double[] h = new double[hidden];
        double[] c = new double[hidden];
        for (int s = 0; s < _steps; s++)
        {
            int t = cell.Direction == 0 ? s : _steps - 1 - s;
            var step = new Step(t, input[t], h, c, rows, hidden);
            for (int q = 0; q < rows; q++)
            {
                double inputSide = _bias ? p[cell.BiasIh + q] : 0;
                for (int i = 0; i < cell.InputSize; i++)
                {
                    inputSide += p[cell.WeightIh + (q * cell.InputSize) + i] * input[t][i];
                }

                double hiddenSide = _bias ? p[cell.BiasHh + q] : 0;
                for (int m = 0; m < hidden; m++)
                {
                    hiddenSide += p[cell.WeightHh + (q * hidden) + m] * h[m];
                }

                step.InputSide[q] = inputSide;
                step.HiddenSide[q] = hiddenSide;
            }

            for (int j = 0; j < hidden; j++)
            {
                switch (_cell)
                {
                    case ReferenceRecurrentCell.RNNTanh:
                    case ReferenceRecurrentCell.RNNReLU:
                        double a = step.InputSide[j] + step.HiddenSide[j];
                        step.Gates[j] = a;
                        step.H[j] = ReferenceMath.Activate(_cell == ReferenceRecurrentCell.RNNReLU ? ReferenceActivation.ReLU : ReferenceActivation.Tanh, 0, a);
                        break;
                    case ReferenceRecurrentCell.LSTM:
                        double ig = Sigmoid(step.InputSide[j] + step.HiddenSide[j]);
                        double fg = Sigmoid(step.InputSide[hidden + j] + step.HiddenSide[hidden + j]);
                        double gg = Math.Tanh(step.InputSide[(2 * hidden) + j] + step.HiddenSide[(2 * hidden) + j]);
                        double og = Sigmoid(step.InputSide[(3 * hidden) + j] + step.HiddenSide[(3 * hidden) + j]);
                        (step.Gates[j], step.Gates[hidden + j], step.Gates[(2 * hidden) + j], step.Gates[(3 * hidden) + j]) = (ig, fg, gg, og);
                        step.C[j] = (fg * c[j]) + (ig * gg);
                        step.H[j] = og * Math.Tanh(step.C[j]);
                        break;
                    default:
                        double r = Sigmoid(step.InputSide[j] + step.HiddenSide[j]);
                        double z = Sigmoid(step.InputSide[hidden + j] + step.HiddenSide[hidden + j]);
                        double ng = Math.Tanh(step.InputSide[(2 * hidden) + j] + (r * step.HiddenSide[(2 * hidden) + j]));
                        (step.Gates[j], step.Gates[hidden + j], step.Gates[(2 * hidden) + j]) = (r, z, ng);
                        step.H[j] = ((1 - z) * ng) + (z * h[j]);
                        break;
                }
            }

            steps[s] = step;
            h = step.H;
            c = step.C;
        }

        return steps;
    }

    // The whole stack on one sample: each cell's steps, the last layer's output sequence.
    private (Step[][] Steps, double[][] Output) Run(double[] p, double[][] sequence)
    {
        var steps = new Step[_cells.Length][];
        double[][] input = sequence;
        for (int k = 0; k < _layers; k++)
        {
            var output = new double[_steps][];
            for (int t = 0; t < _steps; t++)
            {
                output[t] = new double[Directions * _hidden];
            }

            for (int d = 0; d < Directions; d++)
            {
                int index = (k * Directions) + d;
                steps[index] = RunDirection(p, _cells[index], input);
                foreach (Step step in steps[index])
                {
                    Array.Copy(step.H, 0, output[step.Time], d * _hidden, _hidden);
                }
            }

            input = output;
        }

        return (steps, input);
    }

    internal override double[] Forward(ReferencePass pass, double[] x)
    {
        var y = new double[pass.Batch * OutSize];
        for (int n = 0; n < pass.Batch; n++)
        {
            double[][] output = Run(pass.Parameters, Sequence(x, n)).Output;
            if (_returnSequences)
            {
                for (int t = 0; t < _steps; t++)
                {
                    Array.Copy(output[t], 0, y, (n * OutSize) + (t * Directions * _hidden), Directions * _hidden);
                }
            }
            else
            {
                // h_n: the forward direction after its last step (t = T-1), the reverse one after its last (t = 0).
                Array.Copy(output[_steps - 1], 0, y, n * OutSize, _hidden);
                if (_bidirectional)
                {
                    Array.Copy(output[0], _hidden, y, (n * OutSize) + _hidden, _hidden);
                }
            }
        }

        return y;
    }

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        var dx = new double[x.Length];
        int width = Directions * _hidden;
        for (int n = 0; n < pass.Batch; n++)
        {
            Step[][] steps = Run(pass.Parameters, Sequence(x, n)).Steps;

            // The gradient with respect to the last layer's output sequence.
            var dOutput = new double[_steps][];
            for (int t = 0; t < _steps; t++)
            {
                dOutput[t] = new double[width];
                if (_returnSequences)
                {
                    Array.Copy(dy, (n * OutSize) + (t * width), dOutput[t], 0, width);
                }
            }

            if (!_returnSequences)
            {
                Array.Copy(dy, n * OutSize, dOutput[_steps - 1], 0, _hidden);
                if (_bidirectional)
                {
                    Array.Copy(dy, (n * OutSize) + _hidden, dOutput[0], _hidden, _hidden);
                }
            }

            for (int k = _layers - 1; k >= 0; k--)
            {
                int inputSize = _cells[k * Directions].InputSize;
                var dInput = new double[_steps][];
                for (int t = 0; t < _steps; t++)
                {
                    dInput[t] = new double[inputSize];
                }

                for (int d = 0; d < Directions; d++)
                {
                    int index = (k * Directions) + d;
                    BackwardDirection(pass, _cells[index], steps[index], dOutput, dInput);
                }

                dOutput = dInput;
            }

            for (int t = 0; t < _steps; t++)
            {
                Array.Copy(dOutput[t], 0, dx, (n * InSize) + (t * _features), _features);
            }
        }

        return dx;
    }

    // Backpropagation through time for one direction of one layer: dOutput holds dL/dh_t of this layer's output sequence
    // (this direction's H columns), dInput receives dL/dx_t; the parameter gradients are added to the pass.
    private void BackwardDirection(ReferencePass pass, Cell cell, Step[] steps, double[][] dOutput, double[][] dInput)
    {
        double[] p = pass.Parameters;
        double[] g = pass.Gradients;
        int hidden = _hidden;
        int rows = _gates * hidden;
        double[] dhCarry = new double[hidden]; // dL/dh of the step processed before (from the steps processed after it)
        double[] dcCarry = new double[hidden]; // dL/dc, the same, for LSTM
        for (int s = _steps - 1; s >= 0; s--)
        {
            Step step = steps[s];
            int t = step.Time;
            var dInputSide = new double[rows];  // dL/d(W_ih x_t + b_ih)
            var dHiddenSide = new double[rows]; // dL/d(W_hh h_(t-1) + b_hh)
            double[] dhPrevious = new double[hidden];
            for (int j = 0; j < hidden; j++)
            {
                double dh = dOutput[t][(cell.Direction * hidden) + j] + dhCarry[j];
                switch (_cell)
                {
                    case ReferenceRecurrentCell.RNNTanh:
                    case ReferenceRecurrentCell.RNNReLU:
                        ReferenceActivation act = _cell == ReferenceRecurrentCell.RNNReLU ? ReferenceActivation.ReLU : ReferenceActivation.Tanh;
                        double da = dh * ReferenceMath.Derivative(act, 0, step.Gates[j]);
                        dInputSide[j] = da;
                        dHiddenSide[j] = da;
                        break;
                    case ReferenceRecurrentCell.LSTM:
                        double ig = step.Gates[j], fg = step.Gates[hidden + j], gg = step.Gates[(2 * hidden) + j], og = step.Gates[(3 * hidden) + j];
                        double tanhC = Math.Tanh(step.C[j]);
                        double dc = dcCarry[j] + (dh * og * (1 - (tanhC * tanhC)));
                        double dIn = dc * gg * ig * (1 - ig);
                        double dForget = dc * step.CPrevious[j] * fg * (1 - fg);
                        double dCandidate = dc * ig * (1 - (gg * gg));
                        double dOut = dh * tanhC * og * (1 - og);
                        dcCarry[j] = dc * fg;
                        (dInputSide[j], dInputSide[hidden + j], dInputSide[(2 * hidden) + j], dInputSide[(3 * hidden) + j]) = (dIn, dForget, dCandidate, dOut);
                        (dHiddenSide[j], dHiddenSide[hidden + j], dHiddenSide[(2 * hidden) + j], dHiddenSide[(3 * hidden) + j]) = (dIn, dForget, dCandidate, dOut);
                        break;
                    default:
                        double r = step.Gates[j], z = step.Gates[hidden + j], ng = step.Gates[(2 * hidden) + j];
                        double dn = dh * (1 - z) * (1 - (ng * ng));             // dL/d(pre-activation of n)
                        double dz = dh * (step.HPrevious[j] - ng) * z * (1 - z); // dL/d(pre-activation of z)
                        double dr = dn * step.HiddenSide[(2 * hidden) + j] * r * (1 - r);
                        (dInputSide[j], dInputSide[hidden + j], dInputSide[(2 * hidden) + j]) = (dr, dz, dn);
                        (dHiddenSide[j], dHiddenSide[hidden + j], dHiddenSide[(2 * hidden) + j]) = (dr, dz, dn * r);
                        dhPrevious[j] = dh * z; // h_t = ... + z h_(t-1)
                        break;
                }
            }

            for (int q = 0; q < rows; q++)
            {
                if (_bias)
                {
                    g[cell.BiasIh + q] += dInputSide[q];
                    g[cell.BiasHh + q] += dHiddenSide[q];
                }

                for (int i = 0; i < cell.InputSize; i++)
                {
                    int w = cell.WeightIh + (q * cell.InputSize) + i;
                    g[w] += dInputSide[q] * step.Input[i];
                    dInput[t][i] += p[w] * dInputSide[q];
                }

                for (int m = 0; m < hidden; m++)
                {
                    int w = cell.WeightHh + (q * hidden) + m;
                    g[w] += dHiddenSide[q] * step.HPrevious[m];
                    dhPrevious[m] += p[w] * dHiddenSide[q];
                }
            }

            dhCarry = dhPrevious;
        }
    }

    /// <summary>For RNN with relu, the smallest |pre-activation| of any step of any layer and direction (infinity otherwise).</summary>
    internal override double Margin(ReferencePass pass, double[] x, double[] y)
    {
        if (!HasKink)
        {
            return double.PositiveInfinity;
        }

        double margin = double.PositiveInfinity;
        for (int n = 0; n < pass.Batch; n++)
        {
            foreach (Step[] steps in Run(pass.Parameters, Sequence(x, n)).Steps)
            {
                foreach (Step step in steps)
                {
                    foreach (double a in step.Gates)
                    {
                        margin = Math.Min(margin, Math.Abs(a));
                    }
                }
            }
        }

        return margin;
    }
}

/// <summary>
/// <c>nn.Embedding(num_embeddings V, embedding_dim D, padding_idx)</c>: samples <c>[T]</c> of token indices (held as
/// doubles, exact integers in <c>[0, V)</c>) to <c>[T, D]</c>, row <c>x_t</c> of the weight <c>[V, D]</c> at step t.
/// Indices are not differentiable: the input gradient is zero. The weight's gradient row v accumulates the output
/// gradients of every step that picked v, except the <c>padding_idx</c> row, which never receives a gradient (PyTorch
/// zeroes that row at construction, but the forward pass reads whatever it holds, as PyTorch's does).
/// </summary>
internal sealed class ReferenceEmbedding : ReferenceModule
{
    public override string Kind => "Embedding";

    private readonly int _vocabulary;
    private readonly int _dimension;
    private readonly int _padding;
    private readonly string _name;
    private int _weight, _steps;

    public ReferenceEmbedding(int vocabulary, int dimension, int? paddingIndex, string name)
    {
        if (vocabulary < 1 || dimension < 1)
        {
            throw new ArgumentException($"Embedding '{name}': {vocabulary} embeddings of dimension {dimension}.");
        }

        // PyTorch accepts padding_idx in [-V, V) and counts a negative one from the end.
        if (paddingIndex is int padding && (padding < -vocabulary || padding >= vocabulary))
        {
            throw new ArgumentOutOfRangeException(nameof(paddingIndex), padding, $"Embedding '{name}': padding_idx must lie in [-{vocabulary}, {vocabulary}).");
        }

        _vocabulary = vocabulary;
        _dimension = dimension;
        _padding = paddingIndex is int p ? (p < 0 ? p + vocabulary : p) : -1;
        _name = name;
    }

    /// <summary>The normalized padding index, or -1 without one.</summary>
    public int PaddingIndex => _padding;

    internal override int[] Infer(int[] inShape, ReferenceBuilder builder)
    {
        if (inShape.Length != 1)
        {
            throw new ArgumentException($"Embedding '{_name}' needs a [T] input of indices, got {Text(inShape)}.");
        }

        _steps = inShape[0];

        // PyTorch draws the weight from N(0, 1), which ReferenceTensor (uniform in ±1/sqrt(FanIn), or a constant) cannot
        // express: FanIn 0 with a NaN "constant", so that anything taking it for a constant fails loudly instead of
        // checking the wrong distribution. Tests set the parameters explicitly.
        _weight = builder.AddParameter(_name + ".weight", 0, double.NaN, _vocabulary, _dimension);
        return [_steps, _dimension];
    }

    // The index at step t of sample n, checked.
    private int Index(double[] x, int n, int t)
    {
        double value = x[(n * _steps) + t];
        if (value != Math.Floor(value))
        {
            throw new ArgumentException($"Embedding '{_name}': the value {value:R} at position {t} of sample {n} is not an integer index.");
        }

        if (value < 0 || value >= _vocabulary)
        {
            throw new ArgumentOutOfRangeException(nameof(x), value, $"Embedding '{_name}': index {value:R} at position {t} of sample {n} is outside [0, {_vocabulary}) ({_vocabulary} embeddings).");
        }

        return (int)value;
    }

    internal override double[] Forward(ReferencePass pass, double[] x)
    {
        var y = new double[pass.Batch * OutSize];
        for (int n = 0; n < pass.Batch; n++)
        {
            for (int t = 0; t < _steps; t++)
            {
                int v = Index(x, n, t);
                for (int j = 0; j < _dimension; j++)
                {
                    y[(((n * _steps) + t) * _dimension) + j] = pass.Parameters[_weight + (v * _dimension) + j];
                }
            }
        }

        return y;
    }

    internal override double[] Backward(ReferencePass pass, double[] x, double[] y, double[] dy)
    {
        for (int n = 0; n < pass.Batch; n++)
        {
            for (int t = 0; t < _steps; t++)
            {
                int v = Index(x, n, t);
                if (v == _padding)
                {
                    continue;
                }

                for (int j = 0; j < _dimension; j++)
                {
                    pass.Gradients[_weight + (v * _dimension) + j] += dy[(((n * _steps) + t) * _dimension) + j];
                }
            }
        }

        return new double[x.Length];
    }
}
