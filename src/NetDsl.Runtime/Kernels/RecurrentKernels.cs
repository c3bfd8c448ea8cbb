using System;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace NetDsl.Generated;

/// <summary>
/// Forward pass and backpropagation through time of RNN, LSTM and GRU layers over a batch of sequences, in PyTorch's
/// layouts (see <see cref="RecurrentGeometry"/>). Every step's input projection runs at once through the fully connected
/// kernel (<c>[T, input] x W_ih^T</c>), the per-step <c>W_hh h</c> through <see cref="RecurrentProduct"/>, and in the
/// backward pass the weight gradients of all steps at once through the fully connected kernels. The element-wise cell arithmetic is written out per gate. Nothing is
/// allocated after a thread's first call.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RecurrentKernels
{
    [ThreadStatic]
    private static float[]? t_inferenceWorkspace;

    [ThreadStatic]
    private static float[]? t_scratch;

    /// <summary>
    /// Runs the layer on <paramref name="batch"/> sequences <paramref name="x"/> (<c>[batch, T, F]</c>) into
    /// <paramref name="y"/>. Training passes a <paramref name="workspace"/> of <c>batch * WorkspaceSize</c> floats that
    /// <see cref="Backward"/> reads; inference passes an empty one.
    /// </summary>
    public static void Forward(in RecurrentGeometry geometry, ReadOnlySpan<float> x, ReadOnlySpan<float> parameters, Span<float> y, Span<float> workspace, int batch)
    {
        geometry.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        Require(x.Length, (long)batch * geometry.SampleInputSize, "input");
        Require(y.Length, (long)batch * geometry.SampleOutputSize, "output");
        Require(parameters.Length, geometry.ParameterCount, "parameter");
        bool keep = !workspace.IsEmpty;
        if (keep)
        {
            Require(workspace.Length, (long)batch * geometry.WorkspaceSize, "workspace");
        }

        Span<float> sampleWorkspace = keep ? default : ThreadScratch.Of(ref t_inferenceWorkspace, geometry.WorkspaceSize);
        Span<float> recurrent = ThreadScratch.Of(ref t_scratch, geometry.GateWidth + (2 * geometry.Hidden));
        for (int b = 0; b < batch; b++)
        {
            ForwardSample(
                geometry,
                x.Slice(b * geometry.SampleInputSize, geometry.SampleInputSize),
                parameters,
                y.Slice(b * geometry.SampleOutputSize, geometry.SampleOutputSize),
                keep ? workspace.Slice(b * geometry.WorkspaceSize, geometry.WorkspaceSize) : sampleWorkspace,
                recurrent);
        }
    }

    /// <summary>
    /// Backpropagation through time of the last <see cref="Forward"/> with a workspace: adds every parameter's gradient
    /// to <paramref name="gradients"/> (laid out as the parameters) and, unless <paramref name="dx"/> is empty, writes the
    /// gradient with respect to the input.
    /// </summary>
    public static void Backward(
        in RecurrentGeometry geometry,
        ReadOnlySpan<float> x,
        ReadOnlySpan<float> parameters,
        Span<float> gradients,
        ReadOnlySpan<float> workspace,
        ReadOnlySpan<float> dy,
        Span<float> dx,
        int batch)
    {
        geometry.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        Require(x.Length, (long)batch * geometry.SampleInputSize, "input");
        Require(dy.Length, (long)batch * geometry.SampleOutputSize, "output gradient");
        Require(parameters.Length, geometry.ParameterCount, "parameter");
        Require(gradients.Length, geometry.ParameterCount, "gradient");
        Require(workspace.Length, (long)batch * geometry.WorkspaceSize, "workspace");
        bool wantInputGradient = !dx.IsEmpty;
        if (wantInputGradient)
        {
            Require(dx.Length, (long)batch * geometry.SampleInputSize, "input gradient");
        }

        var scratch = new BackwardScratch(geometry, ThreadScratch.Of(ref t_scratch, BackwardScratch.Size(geometry)));
        for (int b = 0; b < batch; b++)
        {
            BackwardSample(
                geometry,
                x.Slice(b * geometry.SampleInputSize, geometry.SampleInputSize),
                parameters,
                gradients,
                workspace.Slice(b * geometry.WorkspaceSize, geometry.WorkspaceSize),
                dy.Slice(b * geometry.SampleOutputSize, geometry.SampleOutputSize),
                wantInputGradient ? dx.Slice(b * geometry.SampleInputSize, geometry.SampleInputSize) : default,
                scratch);
        }
    }

    /// <summary>
    /// Streaming: advances one sequence by one step. <paramref name="state"/> (<see cref="RecurrentGeometry.StreamStateSize"/>
    /// floats, zero at the start of a sequence) holds every stacked layer's hidden state, then for LSTM its cell state;
    /// <paramref name="x"/> is the step's F features; <paramref name="y"/> receives the last layer's new hidden state.
    /// Running every step of a sequence gives the bits of <see cref="Forward"/> on the whole sequence. Unidirectional layers only.
    /// </summary>
    public static void Step(in RecurrentGeometry geometry, ReadOnlySpan<float> x, ReadOnlySpan<float> parameters, Span<float> state, Span<float> y)
    {
        geometry.Validate();
        if (geometry.Bidirectional)
        {
            throw new NotSupportedException("A bidirectional layer reads the sequence from its end, so it cannot advance one step at a time.");
        }

        Require(x.Length, geometry.InputSize, "step input");
        Require(parameters.Length, geometry.ParameterCount, "parameter");
        Require(state.Length, geometry.StreamStateSize, "stream state");
        Require(y.Length, geometry.Hidden, "step output");
        int hidden = geometry.Hidden;
        int gateWidth = geometry.GateWidth;
        Span<float> scratch = ThreadScratch.Of(ref t_scratch, (2 * gateWidth) + hidden);
        Span<float> z = scratch.Slice(0, gateWidth);
        Span<float> rec = scratch.Slice(gateWidth, gateWidth);
        Span<float> temporary = scratch.Slice(2 * gateWidth, hidden);
        ReadOnlySpan<float> input = x.Slice(0, geometry.InputSize);
        int parameterOffset = 0;
        for (int layer = 0; layer < geometry.Layers; layer++)
        {
            var block = new Block(geometry, layer, parameters.Slice(parameterOffset, geometry.BlockParameterCount(layer)));
            parameterOffset += geometry.BlockParameterCount(layer);
            Span<float> h = state.Slice(layer * hidden, hidden);
            Span<float> c = geometry.Cell == RecurrentCell.Lstm ? state.Slice((geometry.Layers + layer) * hidden, hidden) : default;
            LinearKernels.Forward(input, block.WeightIh, block.BiasIh, z, 1, block.InputSize, gateWidth);
            RecurrentProduct.Compute(h, RecurrentProduct.Transposed(block.WeightHh, geometry, layer), block.BiasHh, rec);
            CellStep(geometry.Cell, z, rec, h, c, c, h, temporary, hidden);
            input = h;
        }

        input.CopyTo(y);
    }

    private static void ForwardSample(in RecurrentGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> parameters, Span<float> y, Span<float> workspace, Span<float> recurrent)
    {
        int steps = g.Steps;
        int hidden = g.Hidden;
        ReadOnlySpan<float> layerInput = x;
        int parameterOffset = 0;
        for (int layer = 0; layer < g.Layers; layer++)
        {
            bool last = layer == g.Layers - 1;
            Span<float> sequence = last ? default : Sequence(g, workspace, layer);
            for (int direction = 0; direction < g.Directions; direction++)
            {
                var block = new Block(g, layer, parameters.Slice(parameterOffset, g.BlockParameterCount(layer)));
                parameterOffset += g.BlockParameterCount(layer);
                var states = new States(g, workspace, layer, direction);
                RunDirection(g, direction, layerInput, block, RecurrentProduct.Transposed(block.WeightHh, g, (layer * g.Directions) + direction), states, recurrent);

                Span<float> destination = last ? (g.ReturnSequences ? y : default) : sequence;
                if (!destination.IsEmpty)
                {
                    for (int t = 0; t < steps; t++)
                    {
                        states.Hidden.Slice(t * hidden, hidden).CopyTo(destination.Slice((t * g.SequenceWidth) + (direction * hidden), hidden));
                    }
                }
                else if (last)
                {
                    // h_n: the state after the direction's last step (step T-1 forward, step 0 in reverse).
                    int finalStep = direction == 0 ? steps - 1 : 0;
                    states.Hidden.Slice(finalStep * hidden, hidden).CopyTo(y.Slice(direction * hidden, hidden));
                }
            }

            layerInput = sequence;
        }
    }

    private static void RunDirection(in RecurrentGeometry g, int direction, ReadOnlySpan<float> input, in Block block, ReadOnlySpan<float> transposedWeightHh, in States states, Span<float> recurrent)
    {
        int steps = g.Steps;
        int hidden = g.Hidden;
        int gateWidth = g.GateWidth;

        // The input projections of every step at once: [T, input] x W_ih^T + b_ih, into the gates (or, for RNN, the states).
        Span<float> projections = g.IsGated ? states.Gates : states.Hidden;
        LinearKernels.Forward(input.Slice(0, steps * block.InputSize), block.WeightIh, block.BiasIh, projections.Slice(0, steps * gateWidth), steps, block.InputSize, gateWidth);

        for (int s = 0; s < steps; s++)
        {
            int t = StepAt(direction, s, steps);
            int previous = s == 0 ? -1 : StepAt(direction, s - 1, steps);
            // The first step reads a zero state through the same product as the others (and as Step), so that a
            // sequence streamed one step at a time gives the same bits whatever the signs of zero in b_hh.
            Span<float> rec = recurrent.Slice(0, gateWidth);
            Span<float> zeroState = recurrent.Slice(gateWidth, hidden);
            zeroState.Clear();
            ReadOnlySpan<float> previousState = previous < 0 ? zeroState : states.Hidden.Slice(previous * hidden, hidden);
            RecurrentProduct.Compute(previousState, transposedWeightHh, block.BiasHh, rec);

            Span<float> z = projections.Slice(t * gateWidth, gateWidth);
            Span<float> h = states.Hidden.Slice(t * hidden, hidden);
            Span<float> second = g.IsGated ? states.Second.Slice(t * hidden, hidden) : default;
            ReadOnlySpan<float> previousCell = g.Cell == RecurrentCell.Lstm && previous >= 0 ? states.Second.Slice(previous * hidden, hidden) : zeroState;
            CellStep(g.Cell, z, rec, previousState, previousCell, second, h, recurrent.Slice(gateWidth + hidden, hidden), hidden);
        }
    }

    /// <summary>
    /// The cell arithmetic of one step on whole vectors (TensorPrimitives), shared by the whole-sequence pass and
    /// <see cref="Step"/> so that they agree bit for bit. <paramref name="z"/> holds the gates' input-side pre-activations
    /// and is left holding their activations (LSTM i, f, g, o; GRU r, z, n); <paramref name="rec"/> is
    /// <c>W_hh h_(t-1) + b_hh</c>. <paramref name="second"/> receives LSTM's cell state c_t (it may be
    /// <paramref name="previousCell"/> itself) or GRU's <c>W_hn h_(t-1) + b_hn</c> (empty: not kept); <paramref name="h"/>
    /// receives h_t (it may be <paramref name="previousState"/> itself). Element-wise throughout, so in-place use is safe.
    /// </summary>
    private static void CellStep(RecurrentCell cell, Span<float> z, ReadOnlySpan<float> rec, ReadOnlySpan<float> previousState, ReadOnlySpan<float> previousCell, Span<float> second, Span<float> h, Span<float> temporary, int hidden)
    {
        switch (cell)
        {
            case RecurrentCell.RnnTanh:
                TensorPrimitives.Add(z, rec, z);
                TensorPrimitives.Tanh(z, h);
                break;
            case RecurrentCell.RnnReLU:
                TensorPrimitives.Add(z, rec, z);
                TensorPrimitives.Max(z, 0f, h);
                break;
            case RecurrentCell.Lstm:
            {
                TensorPrimitives.Add(z, rec, z);
                Span<float> inputAndForget = z.Slice(0, 2 * hidden);
                Span<float> candidate = z.Slice(2 * hidden, hidden);
                Span<float> output = z.Slice(3 * hidden, hidden);
                TensorPrimitives.Sigmoid(inputAndForget, inputAndForget);
                TensorPrimitives.Tanh(candidate, candidate);
                TensorPrimitives.Sigmoid(output, output);
                TensorPrimitives.Multiply(z.Slice(hidden, hidden), previousCell, second); // f * c_(t-1)
                TensorPrimitives.FusedMultiplyAdd(z.Slice(0, hidden), candidate, second, second); // + i * g
                TensorPrimitives.Tanh(second, temporary);
                TensorPrimitives.Multiply(output, temporary, h);
                break;
            }

            default:
            {
                Span<float> resetAndUpdate = z.Slice(0, 2 * hidden);
                TensorPrimitives.Add(resetAndUpdate, rec.Slice(0, 2 * hidden), resetAndUpdate);
                TensorPrimitives.Sigmoid(resetAndUpdate, resetAndUpdate);
                ReadOnlySpan<float> hiddenProjection = rec.Slice(2 * hidden, hidden);
                if (!second.IsEmpty)
                {
                    hiddenProjection.CopyTo(second);
                }

                Span<float> n = z.Slice(2 * hidden, hidden);
                TensorPrimitives.Multiply(z.Slice(0, hidden), hiddenProjection, temporary); // r * (W_hn h + b_hn)
                TensorPrimitives.Add(n, temporary, n);
                TensorPrimitives.Tanh(n, n);
                TensorPrimitives.Subtract(previousState, n, temporary); // h = n + z * (h_(t-1) - n) = (1 - z) n + z h_(t-1)
                TensorPrimitives.FusedMultiplyAdd(z.Slice(hidden, hidden), temporary, n, h);
                break;
            }
        }
    }

    private static void BackwardSample(
        in RecurrentGeometry g,
        ReadOnlySpan<float> x,
        ReadOnlySpan<float> parameters,
        Span<float> gradients,
        ReadOnlySpan<float> workspace,
        ReadOnlySpan<float> dy,
        Span<float> dx,
        in BackwardScratch scratch)
    {
        int steps = g.Steps;
        int hidden = g.Hidden;

        // The gradient with respect to the last layer's output sequence.
        Span<float> outputGradient = scratch.SequenceGradient;
        if (g.ReturnSequences)
        {
            dy.CopyTo(outputGradient);
        }
        else
        {
            outputGradient.Clear();
            dy.Slice(0, hidden).CopyTo(outputGradient.Slice((steps - 1) * g.SequenceWidth, hidden));
            if (g.Bidirectional)
            {
                dy.Slice(hidden, hidden).CopyTo(outputGradient.Slice(hidden, hidden));
            }
        }

        for (int layer = g.Layers - 1; layer >= 0; layer--)
        {
            int inputSize = g.LayerInputSize(layer);
            ReadOnlySpan<float> layerInput = layer == 0 ? x : Sequence(g, workspace, layer - 1);
            bool wantInputGradient = layer > 0 || !dx.IsEmpty;
            Span<float> inputGradient = scratch.InputGradient.Slice(0, steps * inputSize);
            inputGradient.Clear();
            int blockOffset = FirstBlockOffset(g, layer);
            for (int direction = 0; direction < g.Directions; direction++)
            {
                int count = g.BlockParameterCount(layer);
                var block = new Block(g, layer, parameters.Slice(blockOffset, count));
                var blockGradients = new GradientBlock(g, layer, gradients.Slice(blockOffset, count));
                blockOffset += count;
                var states = new ReadOnlyStates(g, workspace, layer, direction);
                BackwardDirection(g, direction, layerInput, outputGradient, block, blockGradients, states, wantInputGradient ? inputGradient : default, scratch);
            }

            if (layer > 0)
            {
                inputGradient.CopyTo(outputGradient);
            }
            else if (!dx.IsEmpty)
            {
                inputGradient.CopyTo(dx);
            }
        }
    }

    private static void BackwardDirection(
        in RecurrentGeometry g,
        int direction,
        ReadOnlySpan<float> input,
        ReadOnlySpan<float> outputGradient,
        in Block block,
        in GradientBlock blockGradients,
        in ReadOnlyStates states,
        Span<float> inputGradient,
        in BackwardScratch scratch)
    {
        int steps = g.Steps;
        int hidden = g.Hidden;
        int gateWidth = g.GateWidth;
        Span<float> inputSide = scratch.InputSideGradient.Slice(0, steps * gateWidth);
        Span<float> hiddenSide = g.Cell == RecurrentCell.Gru ? scratch.HiddenSideGradient.Slice(0, steps * gateWidth) : inputSide;
        Span<float> nextHidden = scratch.NextHidden;
        Span<float> nextCell = scratch.NextCell;
        Span<float> direct = scratch.Direct;
        nextHidden.Clear();
        nextCell.Clear();

        for (int s = steps - 1; s >= 0; s--)
        {
            int t = StepAt(direction, s, steps);
            int previous = s == 0 ? -1 : StepAt(direction, s - 1, steps);
            ReadOnlySpan<float> stepOutputGradient = outputGradient.Slice((t * g.SequenceWidth) + (direction * hidden), hidden);
            Span<float> dzInput = inputSide.Slice(t * gateWidth, gateWidth);
            Span<float> dzHidden = hiddenSide.Slice(t * gateWidth, gateWidth);
            switch (g.Cell)
            {
                case RecurrentCell.RnnTanh:
                case RecurrentCell.RnnReLU:
                    for (int j = 0; j < hidden; j++)
                    {
                        float h = states.Hidden[(t * hidden) + j];
                        float dh = stepOutputGradient[j] + nextHidden[j];
                        dzInput[j] = g.Cell == RecurrentCell.RnnTanh ? ScalarActivations.TanhBackward(h, dh) : ScalarActivations.ReLUBackward(h, dh);
                    }

                    break;
                case RecurrentCell.Lstm:
                    LstmStepBackward(states, stepOutputGradient, nextHidden, nextCell, dzInput, previous, t, hidden);
                    break;
                default:
                    GruStepBackward(states, stepOutputGradient, nextHidden, direct, dzInput, dzHidden, previous, t, hidden);
                    break;
            }

            if (previous >= 0)
            {
                // dh_(t-1) = W_hh^T dz (+ GRU's direct path z * dh).
                LinearKernels.BackwardInput(dzHidden, block.WeightHh, nextHidden, 1, hidden, gateWidth);
                if (g.Cell == RecurrentCell.Gru)
                {
                    TensorPrimitives.Add(nextHidden, direct, nextHidden);
                }
            }
        }

        // Every step's previous state, [T, H] (zero before the first step), for dW_hh += dz^T h_(t-1).
        Span<float> previousStates = scratch.PreviousStates.Slice(0, steps * hidden);
        for (int s = 0; s < steps; s++)
        {
            int t = StepAt(direction, s, steps);
            Span<float> row = previousStates.Slice(t * hidden, hidden);
            if (s == 0)
            {
                row.Clear();
            }
            else
            {
                states.Hidden.Slice(StepAt(direction, s - 1, steps) * hidden, hidden).CopyTo(row);
            }
        }

        LinearKernels.AccumulateParameterGradients(previousStates, hiddenSide, blockGradients.WeightHh, blockGradients.BiasHh, steps, hidden, gateWidth);
        LinearKernels.AccumulateParameterGradients(input.Slice(0, steps * block.InputSize), inputSide, blockGradients.WeightIh, blockGradients.BiasIh, steps, block.InputSize, gateWidth);
        if (!inputGradient.IsEmpty)
        {
            Span<float> contribution = scratch.InputGradientContribution.Slice(0, steps * block.InputSize);
            LinearKernels.BackwardInput(inputSide, block.WeightIh, contribution, steps, block.InputSize, gateWidth);
            TensorPrimitives.Add(inputGradient, contribution, inputGradient);
        }
    }

    private static void LstmStepBackward(in ReadOnlyStates states, ReadOnlySpan<float> outputGradient, Span<float> nextHidden, Span<float> nextCell, Span<float> dz, int previous, int t, int hidden)
    {
        ReadOnlySpan<float> gates = states.Gates.Slice(t * 4 * hidden, 4 * hidden);
        for (int j = 0; j < hidden; j++)
        {
            float i = gates[j];
            float f = gates[hidden + j];
            float candidate = gates[(2 * hidden) + j];
            float o = gates[(3 * hidden) + j];
            float c = states.Second[(t * hidden) + j];
            float previousCell = previous < 0 ? 0f : states.Second[(previous * hidden) + j];
            float tanhC = ScalarActivations.Tanh(c);
            float dh = outputGradient[j] + nextHidden[j];
            float dc = (dh * o * (1f - (tanhC * tanhC))) + nextCell[j];
            dz[j] = dc * candidate * i * (1f - i);
            dz[hidden + j] = dc * previousCell * f * (1f - f);
            dz[(2 * hidden) + j] = dc * i * (1f - (candidate * candidate));
            dz[(3 * hidden) + j] = dh * tanhC * o * (1f - o);
            nextCell[j] = dc * f;
        }
    }

    private static void GruStepBackward(in ReadOnlyStates states, ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> nextHidden, Span<float> direct, Span<float> dzInput, Span<float> dzHidden, int previous, int t, int hidden)
    {
        ReadOnlySpan<float> gates = states.Gates.Slice(t * 3 * hidden, 3 * hidden);
        for (int j = 0; j < hidden; j++)
        {
            float r = gates[j];
            float update = gates[hidden + j];
            float n = gates[(2 * hidden) + j];
            float hiddenProjection = states.Second[(t * hidden) + j];
            float previousState = previous < 0 ? 0f : states.Hidden[(previous * hidden) + j];
            float dh = outputGradient[j] + nextHidden[j];
            float dnPre = dh * (1f - update) * (1f - (n * n));
            float drPre = dnPre * hiddenProjection * r * (1f - r);
            float dzPre = dh * (previousState - n) * update * (1f - update);
            dzInput[j] = drPre;
            dzInput[hidden + j] = dzPre;
            dzInput[(2 * hidden) + j] = dnPre;
            dzHidden[j] = drPre;
            dzHidden[hidden + j] = dzPre;
            dzHidden[(2 * hidden) + j] = dnPre * r;
            direct[j] = dh * update;
        }
    }

    /// <summary>The step a direction processes <paramref name="s"/>-th: forward in order, reverse from the end.</summary>
    private static int StepAt(int direction, int s, int steps) => direction == 0 ? s : steps - 1 - s;

    private static int FirstBlockOffset(in RecurrentGeometry g, int layer)
    {
        int offset = 0;
        for (int k = 0; k < layer; k++)
        {
            offset += g.Directions * g.BlockParameterCount(k);
        }

        return offset;
    }

    private static Span<float> Sequence(RecurrentGeometry g, Span<float> workspace, int layer) =>
        workspace.Slice((g.Layers * g.Directions * g.BlockWorkspaceSize) + (layer * g.Steps * g.SequenceWidth), g.Steps * g.SequenceWidth);

    private static ReadOnlySpan<float> Sequence(RecurrentGeometry g, ReadOnlySpan<float> workspace, int layer) =>
        workspace.Slice((g.Layers * g.Directions * g.BlockWorkspaceSize) + (layer * g.Steps * g.SequenceWidth), g.Steps * g.SequenceWidth);

    private static void Require(int actual, long expected, string what)
    {
        if (actual < expected)
        {
            throw new ArgumentException($"The recurrent layer's {what} span holds {actual} floats, but {expected} are needed.");
        }
    }

    /// <summary>One block's parameters: <c>weight_ih</c>, <c>weight_hh</c>, and the biases (empty without bias).</summary>
    private readonly ref struct Block
    {
        public Block(in RecurrentGeometry g, int layer, ReadOnlySpan<float> block)
        {
            InputSize = g.LayerInputSize(layer);
            int gateWidth = g.GateWidth;
            WeightIh = block.Slice(0, gateWidth * InputSize);
            WeightHh = block.Slice(gateWidth * InputSize, gateWidth * g.Hidden);
            int biasOffset = gateWidth * (InputSize + g.Hidden);
            BiasIh = g.Bias ? block.Slice(biasOffset, gateWidth) : default;
            BiasHh = g.Bias ? block.Slice(biasOffset + gateWidth, gateWidth) : default;
        }

        public int InputSize { get; }

        public ReadOnlySpan<float> WeightIh { get; }

        public ReadOnlySpan<float> WeightHh { get; }

        public ReadOnlySpan<float> BiasIh { get; }

        public ReadOnlySpan<float> BiasHh { get; }
    }

    /// <summary>One block's gradients, laid out as <see cref="Block"/>.</summary>
    private readonly ref struct GradientBlock
    {
        public GradientBlock(in RecurrentGeometry g, int layer, Span<float> block)
        {
            int inputSize = g.LayerInputSize(layer);
            int gateWidth = g.GateWidth;
            WeightIh = block.Slice(0, gateWidth * inputSize);
            WeightHh = block.Slice(gateWidth * inputSize, gateWidth * g.Hidden);
            int biasOffset = gateWidth * (inputSize + g.Hidden);
            BiasIh = g.Bias ? block.Slice(biasOffset, gateWidth) : default;
            BiasHh = g.Bias ? block.Slice(biasOffset + gateWidth, gateWidth) : default;
        }

        public Span<float> WeightIh { get; }

        public Span<float> WeightHh { get; }

        public Span<float> BiasIh { get; }

        public Span<float> BiasHh { get; }
    }

    /// <summary>A block's part of one sample's workspace: hidden states, the second state, the gates.</summary>
    private readonly ref struct States
    {
        public States(in RecurrentGeometry g, Span<float> workspace, int layer, int direction)
        {
            int stepsByHidden = g.Steps * g.Hidden;
            Span<float> block = workspace.Slice(((layer * g.Directions) + direction) * g.BlockWorkspaceSize, g.BlockWorkspaceSize);
            Hidden = block.Slice(0, stepsByHidden);
            Second = g.IsGated ? block.Slice(stepsByHidden, stepsByHidden) : default;
            Gates = g.IsGated ? block.Slice(2 * stepsByHidden, g.Steps * g.GateWidth) : default;
        }

        public Span<float> Hidden { get; }

        /// <summary>LSTM: the cell states; GRU: <c>W_hn h_(t-1) + b_hn</c>.</summary>
        public Span<float> Second { get; }

        public Span<float> Gates { get; }
    }

    /// <summary><see cref="States"/>, read by the backward pass.</summary>
    private readonly ref struct ReadOnlyStates
    {
        public ReadOnlyStates(in RecurrentGeometry g, ReadOnlySpan<float> workspace, int layer, int direction)
        {
            int stepsByHidden = g.Steps * g.Hidden;
            ReadOnlySpan<float> block = workspace.Slice(((layer * g.Directions) + direction) * g.BlockWorkspaceSize, g.BlockWorkspaceSize);
            Hidden = block.Slice(0, stepsByHidden);
            Second = g.IsGated ? block.Slice(stepsByHidden, stepsByHidden) : default;
            Gates = g.IsGated ? block.Slice(2 * stepsByHidden, g.Steps * g.GateWidth) : default;
        }

        public ReadOnlySpan<float> Hidden { get; }

        public ReadOnlySpan<float> Second { get; }

        public ReadOnlySpan<float> Gates { get; }
    }

    /// <summary>The backward pass's per-thread scratch, carved from one array.</summary>
    private readonly ref struct BackwardScratch
    {
        public BackwardScratch(RecurrentGeometry g, Span<float> memory)
        {
            int steps = g.Steps;
            int widestInput = Math.Max(g.InputSize, g.SequenceWidth);
            int at = 0;
            SequenceGradient = memory.Slice(at, steps * g.SequenceWidth);
            at += SequenceGradient.Length;
            InputGradient = memory.Slice(at, steps * widestInput);
            at += InputGradient.Length;
            InputGradientContribution = memory.Slice(at, steps * widestInput);
            at += InputGradientContribution.Length;
            InputSideGradient = memory.Slice(at, steps * g.GateWidth);
            at += InputSideGradient.Length;
            HiddenSideGradient = memory.Slice(at, steps * g.GateWidth);
            at += HiddenSideGradient.Length;
            PreviousStates = memory.Slice(at, steps * g.Hidden);
            at += PreviousStates.Length;
            NextHidden = memory.Slice(at, g.Hidden);
            NextCell = memory.Slice(at + g.Hidden, g.Hidden);
            Direct = memory.Slice(at + (2 * g.Hidden), g.Hidden);
        }

        /// <summary>The gradient with respect to the output sequence of the layer being processed, <c>[T, D*H]</c>.</summary>
        public Span<float> SequenceGradient { get; }

        /// <summary>The gradient with respect to that layer's input sequence.</summary>
        public Span<float> InputGradient { get; }

        /// <summary>One direction's part of <see cref="InputGradient"/>.</summary>
        public Span<float> InputGradientContribution { get; }

        /// <summary>Every step's gradient with respect to the gates' input-side pre-activations, <c>[T, G*H]</c>.</summary>
        public Span<float> InputSideGradient { get; }

        /// <summary>GRU: with respect to the hidden-side products (they differ from the input side in the n gate).</summary>
        public Span<float> HiddenSideGradient { get; }

        public Span<float> PreviousStates { get; }

        public Span<float> NextHidden { get; }

        public Span<float> NextCell { get; }

        public Span<float> Direct { get; }

        public static int Size(in RecurrentGeometry g)
        {
            int widestInput = Math.Max(g.InputSize, g.SequenceWidth);
            return (g.Steps * g.SequenceWidth) + (2 * g.Steps * widestInput) + (2 * g.Steps * g.GateWidth) + (g.Steps * g.Hidden) + (3 * g.Hidden);
        }
    }
}
