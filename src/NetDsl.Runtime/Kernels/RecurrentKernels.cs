using System;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace NetDsl.Generated;

/// <summary>
/// Forward pass and backpropagation through time of RNN, LSTM and GRU layers over a batch of sequences, in PyTorch's
/// layouts (see <see cref="RecurrentGeometry"/>). Every step's input projection runs at once through the fully connected
/// kernel (<c>[T, input] x W_ih^T</c>), the per-step <c>W_hh h</c> through <see cref="RecurrentProduct"/>. The backward
/// pass runs groups of samples through the steps together (<see cref="BackwardGroup"/>): the cell arithmetic vectorized
/// per sample (<see cref="RecurrentCellBackward"/>), one <c>W_hhᵀ dz</c> product per step for the group, and the weight
/// gradients of all the group's steps at once through the fully connected kernels. Nothing is allocated after a thread's
/// first call, except once more when a later backward pass has a larger batch (up to the group size).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RecurrentKernels
{
    /// <summary>The most samples whose backward passes run together, step by step (see <see cref="BackwardGroup"/>).</summary>
    private const int GroupSize = 8;

    /// <summary>The most floats of backward scratch a group takes; groups of long sequences hold fewer samples (at least one).</summary>
    private const long GroupScratchBudget = 1 << 20;

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

        if (keep && batch > 1)
        {
            // Training: groups of samples advance through time together, one W_hh product per step for the group.
            Span<float> scratch = ThreadScratch.Of(ref t_scratch, (ForwardGroupSize * geometry.GateWidth) + (2 * geometry.Hidden));
            for (int first = 0; first < batch; first += ForwardGroupSize)
            {
                int count = Math.Min(ForwardGroupSize, batch - first);
                ForwardGroup(
                    geometry,
                    x.Slice(first * geometry.SampleInputSize, count * geometry.SampleInputSize),
                    parameters,
                    y.Slice(first * geometry.SampleOutputSize, count * geometry.SampleOutputSize),
                    workspace.Slice(first * geometry.WorkspaceSize, count * geometry.WorkspaceSize),
                    count,
                    scratch);
            }

            return;
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

        // Samples run in groups (see BackwardGroup), smaller where long sequences would make the group's scratch large.
        int group = (int)Math.Clamp(GroupScratchBudget / BackwardScratch.PerSample(geometry), 1, Math.Min(GroupSize, Math.Max(batch, 1)));
        var scratch = new BackwardScratch(geometry, group, ThreadScratch.Of(ref t_scratch, BackwardScratch.Size(geometry, group)));
        for (int first = 0; first < batch; first += group)
        {
            int count = Math.Min(group, batch - first);
            BackwardGroup(
                geometry,
                x.Slice(first * geometry.SampleInputSize, count * geometry.SampleInputSize),
                parameters,
                gradients,
                workspace.Slice(first * geometry.WorkspaceSize, count * geometry.WorkspaceSize),
                dy.Slice(first * geometry.SampleOutputSize, count * geometry.SampleOutputSize),
                wantInputGradient ? dx.Slice(first * geometry.SampleInputSize, count * geometry.SampleInputSize) : default,
                count,
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
            ProjectInputs(input, block, geometry, layer, z, 1);
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
                int blockIndex = (layer * g.Directions) + direction;
                RunDirection(g, direction, layerInput, block, blockIndex, RecurrentProduct.Transposed(block.WeightHh, g, blockIndex), states, recurrent);
                WriteStates(g, direction, last, states, sequence, y);
            }

            layerInput = sequence;
        }
    }

    /// <summary>
    /// <see cref="ForwardSample"/> for <paramref name="count"/> samples with workspaces (training) together: per layer and
    /// direction each sample's input projections, then step by step one <see cref="RecurrentProduct.ComputeGroup"/> for
    /// the group's <c>W_hh h_(t-1)</c> (the same chain per output as one sample's product: the same bits) and each
    /// sample's cell.
    /// </summary>
    private static void ForwardGroup(in RecurrentGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> parameters, Span<float> y, Span<float> workspace, int count, Span<float> scratch)
    {
        int steps = g.Steps;
        int hidden = g.Hidden;
        int gateWidth = g.GateWidth;
        int size = g.WorkspaceSize;
        Span<float> recs = scratch.Slice(0, count * gateWidth);
        Span<float> zeroState = scratch.Slice(ForwardGroupSize * gateWidth, hidden);
        Span<float> cellScratch = scratch.Slice((ForwardGroupSize * gateWidth) + hidden, hidden);
        zeroState.Clear();
        int parameterOffset = 0;
        for (int layer = 0; layer < g.Layers; layer++)
        {
            bool last = layer == g.Layers - 1;
            for (int direction = 0; direction < g.Directions; direction++)
            {
                var block = new Block(g, layer, parameters.Slice(parameterOffset, g.BlockParameterCount(layer)));
                parameterOffset += g.BlockParameterCount(layer);
                int blockIndex = (layer * g.Directions) + direction;
                ReadOnlySpan<float> transposedWeightHh = RecurrentProduct.Transposed(block.WeightHh, g, blockIndex);
                for (int n = 0; n < count; n++)
                {
                    Span<float> sampleWorkspace = workspace.Slice(n * size, size);
                    ReadOnlySpan<float> input = layer == 0 ? x.Slice(n * g.SampleInputSize, g.SampleInputSize) : Sequence(g, sampleWorkspace, layer - 1);
                    ProjectDirection(g, input, block, blockIndex, new States(g, sampleWorkspace, layer, direction));
                }

                // Where sample n's state of step t lies in the workspace: its Hidden block starts the direction's block.
                int hiddenOffset = blockIndex * g.BlockWorkspaceSize;
                for (int s = 0; s < steps; s++)
                {
                    int previous = s == 0 ? -1 : StepAt(direction, s - 1, steps);
                    if (previous < 0)
                    {
                        RecurrentProduct.ComputeGroup(zeroState, 0, count, hidden, transposedWeightHh, block.BiasHh, recs, gateWidth);
                    }
                    else
                    {
                        RecurrentProduct.ComputeGroup(workspace.Slice(hiddenOffset + (previous * hidden)), size, count, hidden, transposedWeightHh, block.BiasHh, recs, gateWidth);
                    }

                    for (int n = 0; n < count; n++)
                    {
                        AdvanceCell(g, direction, s, new States(g, workspace.Slice(n * size, size), layer, direction), recs.Slice(n * gateWidth, gateWidth), zeroState, cellScratch);
                    }
                }

                for (int n = 0; n < count; n++)
                {
                    Span<float> sampleWorkspace = workspace.Slice(n * size, size);
                    WriteStates(g, direction, last, new States(g, sampleWorkspace, layer, direction), last ? default : Sequence(g, sampleWorkspace, layer), y.Slice(n * g.SampleOutputSize, g.SampleOutputSize));
                }
            }
        }
    }

    /// <summary>
    /// A direction's states into the next layer's input <paramref name="sequence"/> (inner layers), or into the output
    /// <paramref name="y"/>: every step with ReturnSequences, else h_n, the state after the direction's last step (step
    /// T-1 forward, step 0 in reverse).
    /// </summary>
    private static void WriteStates(in RecurrentGeometry g, int direction, bool last, in States states, Span<float> sequence, Span<float> y)
    {
        int hidden = g.Hidden;
        Span<float> destination = last ? (g.ReturnSequences ? y : default) : sequence;
        if (!destination.IsEmpty)
        {
            for (int t = 0; t < g.Steps; t++)
            {
                states.Hidden.Slice(t * hidden, hidden).CopyTo(destination.Slice((t * g.SequenceWidth) + (direction * hidden), hidden));
            }
        }
        else if (last)
        {
            int finalStep = direction == 0 ? g.Steps - 1 : 0;
            states.Hidden.Slice(finalStep * hidden, hidden).CopyTo(y.Slice(direction * hidden, hidden));
        }
    }

    // Samples advanced through time together in training's forward pass (ForwardGroup).
    private const int ForwardGroupSize = 8;

    private static void RunDirection(in RecurrentGeometry g, int direction, ReadOnlySpan<float> input, in Block block, int blockIndex, ReadOnlySpan<float> transposedWeightHh, in States states, Span<float> recurrent)
    {
        int steps = g.Steps;
        int hidden = g.Hidden;
        int gateWidth = g.GateWidth;

        ProjectDirection(g, input, block, blockIndex, states);
        Span<float> rec = recurrent.Slice(0, gateWidth);
        Span<float> zeroState = recurrent.Slice(gateWidth, hidden);
        zeroState.Clear();
        for (int s = 0; s < steps; s++)
        {
            // The first step reads a zero state through the same product as the others (and as Step), so that a
            // sequence streamed one step at a time gives the same bits whatever the signs of zero in b_hh.
            int previous = s == 0 ? -1 : StepAt(direction, s - 1, steps);
            RecurrentProduct.Compute(previous < 0 ? zeroState : states.Hidden.Slice(previous * hidden, hidden), transposedWeightHh, block.BiasHh, rec);
            AdvanceCell(g, direction, s, states, rec, zeroState, recurrent.Slice(gateWidth + hidden, hidden));
        }
    }

    // The input projections of every step at once: [T, input] x W_ih^T + b_ih, into the gates (or, for RNN, the states).
    private static void ProjectDirection(in RecurrentGeometry g, ReadOnlySpan<float> input, in Block block, int blockIndex, in States states)
    {
        Span<float> projections = g.IsGated ? states.Gates : states.Hidden;
        ProjectInputs(input.Slice(0, g.Steps * block.InputSize), block, g, blockIndex, projections.Slice(0, g.Steps * g.GateWidth), g.Steps);
    }

    // The cell of step s (the direction's s-th), given rec = W_hh h_(t-1) + b_hh.
    private static void AdvanceCell(in RecurrentGeometry g, int direction, int s, in States states, ReadOnlySpan<float> rec, ReadOnlySpan<float> zeroState, Span<float> scratch)
    {
        int hidden = g.Hidden;
        int gateWidth = g.GateWidth;
        int t = StepAt(direction, s, g.Steps);
        int previous = s == 0 ? -1 : StepAt(direction, s - 1, g.Steps);
        Span<float> projections = g.IsGated ? states.Gates : states.Hidden;
        Span<float> z = projections.Slice(t * gateWidth, gateWidth);
        Span<float> h = states.Hidden.Slice(t * hidden, hidden);
        Span<float> second = g.IsGated ? states.Second.Slice(t * hidden, hidden) : default;
        ReadOnlySpan<float> previousState = previous < 0 ? zeroState : states.Hidden.Slice(previous * hidden, hidden);
        ReadOnlySpan<float> previousCell = g.Cell == RecurrentCell.Lstm && previous >= 0 ? states.Second.Slice(previous * hidden, hidden) : zeroState;
        // LSTM keeps tanh(c_t) for the backward pass; the other cells use scratch.
        Span<float> temporary = g.Cell == RecurrentCell.Lstm ? states.TanhCell.Slice(t * hidden, hidden) : scratch;
        CellStep(g.Cell, z, rec, previousState, previousCell, second, h, temporary, hidden);
    }

    /// <summary>
    /// The input projections <c>W_ih x_t + b_ih</c> of <paramref name="steps"/> consecutive inputs, the same way in the
    /// whole-sequence pass and in <see cref="Step"/> (so that streaming gives the same bits): narrow inputs one step at a
    /// time through <see cref="RecurrentProduct.Compute"/> on <c>W_ihᵀ</c>, wide ones through the Linear kernel over all steps
    /// (<see cref="RecurrentProduct.ProjectsInputs"/>).
    /// </summary>
    private static void ProjectInputs(ReadOnlySpan<float> input, in Block block, in RecurrentGeometry g, int blockIndex, Span<float> projections, int steps)
    {
        int gateWidth = g.GateWidth;
        if (!RecurrentProduct.ProjectsInputs(block.InputSize))
        {
            LinearKernels.Forward(input, block.WeightIh, block.BiasIh, projections, steps, block.InputSize, gateWidth);
            return;
        }

        ReadOnlySpan<float> transposed = RecurrentProduct.TransposedInput(block.WeightIh, block.InputSize, g, blockIndex);
        for (int t = 0; t < steps; t++)
        {
            RecurrentProduct.Compute(input.Slice(t * block.InputSize, block.InputSize), transposed, block.BiasIh, projections.Slice(t * gateWidth, gateWidth));
        }
    }

    /// <summary>
    /// The cell arithmetic of one step on whole vectors (TensorPrimitives), shared by the whole-sequence pass and
    /// <see cref="Step"/> so that they agree bit for bit. <paramref name="z"/> holds the gates' input-side pre-activations
    /// and is left holding their activations (LSTM i, f, g, o; GRU r, z, n); <paramref name="rec"/> is
    /// <c>W_hh h_(t-1) + b_hh</c>. <paramref name="second"/> receives LSTM's cell state c_t (it may be
    /// <paramref name="previousCell"/> itself) or GRU's <c>W_hn h_(t-1) + b_hn</c> (empty: not kept); <paramref name="h"/>
    /// receives h_t (it may be <paramref name="previousState"/> itself); LSTM leaves <c>tanh(c_t)</c> in
    /// <paramref name="temporary"/> (the workspace's, which the backward pass reads). Element-wise throughout, so in-place use is safe.
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
                LstmCell.Step(z, rec, previousCell, second, temporary, h, hidden); // c_t = f c_(t-1) + i g, h_t = o tanh(c_t)
                break;

            default:
                GruCell.Step(z, rec, previousState, second, h, temporary, hidden); // h_t = n + z (h_(t-1) - n), (1 - z) n + z h_(t-1)
                break;
        }
    }

    /// <summary>
    /// Backpropagation through time of <paramref name="count"/> consecutive samples together: every layer and direction
    /// walks the steps backwards once for the whole group, each step running every sample's cell backward pass and then one
    /// <c>[count, G*H] x W_hh</c> product for all their <c>dh_(t-1) = W_hhᵀ dz</c>. The weight gradients of the group are
    /// one product each, over the group's steps sample by sample: every output is the same chain of fused multiply-adds as
    /// when the samples ran one at a time, so neither the group size nor the batch split changes a bit.
    /// </summary>
    private static void BackwardGroup(
        in RecurrentGeometry g,
        ReadOnlySpan<float> x,
        ReadOnlySpan<float> parameters,
        Span<float> gradients,
        ReadOnlySpan<float> workspace,
        ReadOnlySpan<float> dy,
        Span<float> dx,
        int count,
        in BackwardScratch scratch)
    {
        int steps = g.Steps;
        int hidden = g.Hidden;
        int sequenceSize = steps * g.SequenceWidth;

        // The gradient with respect to the last layer's output sequences, [count, T, D*H].
        Span<float> outputGradient = scratch.SequenceGradient.Slice(0, count * sequenceSize);
        if (g.ReturnSequences)
        {
            dy.Slice(0, count * sequenceSize).CopyTo(outputGradient);
        }
        else
        {
            outputGradient.Clear();
            for (int b = 0; b < count; b++)
            {
                ReadOnlySpan<float> sampleGradient = dy.Slice(b * g.SequenceWidth, g.SequenceWidth);
                Span<float> sequence = outputGradient.Slice(b * sequenceSize, sequenceSize);
                sampleGradient.Slice(0, hidden).CopyTo(sequence.Slice((steps - 1) * g.SequenceWidth, hidden));
                if (g.Bidirectional)
                {
                    sampleGradient.Slice(hidden, hidden).CopyTo(sequence.Slice(hidden, hidden));
                }
            }
        }

        for (int layer = g.Layers - 1; layer >= 0; layer--)
        {
            int inputSize = g.LayerInputSize(layer);
            bool wantInputGradient = layer > 0 || !dx.IsEmpty;
            Span<float> inputGradient = scratch.InputGradient.Slice(0, count * steps * inputSize);
            inputGradient.Clear();
            int blockOffset = FirstBlockOffset(g, layer);
            for (int direction = 0; direction < g.Directions; direction++)
            {
                int parameterCount = g.BlockParameterCount(layer);
                var block = new Block(g, layer, parameters.Slice(blockOffset, parameterCount));
                var blockGradients = new GradientBlock(g, layer, gradients.Slice(blockOffset, parameterCount));
                blockOffset += parameterCount;
                BackwardDirection(g, layer, direction, x, workspace, outputGradient, block, blockGradients, wantInputGradient ? inputGradient : default, count, scratch);
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
        int layer,
        int direction,
        ReadOnlySpan<float> x,
        ReadOnlySpan<float> workspace,
        ReadOnlySpan<float> outputGradient,
        in Block block,
        in GradientBlock blockGradients,
        Span<float> inputGradient,
        int count,
        in BackwardScratch scratch)
    {
        int steps = g.Steps;
        int hidden = g.Hidden;
        int gateWidth = g.GateWidth;
        int sequenceWidth = g.SequenceWidth;
        int sampleWorkspace = g.WorkspaceSize;
        int blockStart = ((layer * g.Directions) + direction) * g.BlockWorkspaceSize;
        var layout = new BlockLayout(g);
        Span<float> inputSide = scratch.InputSideGradient.Slice(0, count * steps * gateWidth);
        Span<float> hiddenSide = g.Cell == RecurrentCell.Gru ? scratch.HiddenSideGradient.Slice(0, count * steps * gateWidth) : inputSide;
        Span<float> nextHidden = scratch.NextHidden.Slice(0, count * hidden);
        Span<float> nextCell = scratch.NextCell.Slice(0, count * hidden);
        Span<float> direct = scratch.Direct.Slice(0, count * hidden);
        ReadOnlySpan<float> zero = scratch.Zero;
        nextHidden.Clear();
        nextCell.Clear();

        for (int s = steps - 1; s >= 0; s--)
        {
            int t = StepAt(direction, s, steps);
            int previous = s == 0 ? -1 : StepAt(direction, s - 1, steps);
            for (int b = 0; b < count; b++)
            {
                ReadOnlySpan<float> states = workspace.Slice((b * sampleWorkspace) + blockStart, layout.BlockSize);
                ReadOnlySpan<float> stepOutputGradient = outputGradient.Slice((b * steps * sequenceWidth) + (t * sequenceWidth) + (direction * hidden), hidden);
                Span<float> dzInput = inputSide.Slice(((b * steps) + t) * gateWidth, gateWidth);
                Span<float> sampleNextHidden = nextHidden.Slice(b * hidden, hidden);
                switch (g.Cell)
                {
                    case RecurrentCell.RnnTanh:
                    case RecurrentCell.RnnReLU:
                        RecurrentCellBackward.Rnn(g.Cell == RecurrentCell.RnnReLU, states.Slice(layout.Hidden(t), hidden), stepOutputGradient, sampleNextHidden, dzInput, hidden);
                        break;
                    case RecurrentCell.Lstm:
                        RecurrentCellBackward.Lstm(
                            states.Slice(layout.Gates(t), gateWidth),
                            states.Slice(layout.TanhCell(t), hidden),
                            previous < 0 ? zero : states.Slice(layout.Second(previous), hidden),
                            stepOutputGradient,
                            sampleNextHidden,
                            nextCell.Slice(b * hidden, hidden),
                            dzInput,
                            hidden);
                        break;
                    default:
                        RecurrentCellBackward.Gru(
                            states.Slice(layout.Gates(t), gateWidth),
                            states.Slice(layout.Second(t), hidden),
                            previous < 0 ? zero : states.Slice(layout.Hidden(previous), hidden),
                            stepOutputGradient,
                            sampleNextHidden,
                            direct.Slice(b * hidden, hidden),
                            dzInput,
                            hiddenSide.Slice(((b * steps) + t) * gateWidth, gateWidth),
                            hidden);
                        break;
                }
            }

            if (previous >= 0)
            {
                // dh_(t-1) = W_hh^T dz (+ GRU's direct path z * dh), every sample of the group in one product.
                LinearKernels.BackwardInputRows(hiddenSide.Slice(t * gateWidth), steps * gateWidth, block.WeightHh, nextHidden, count, hidden, gateWidth);
                if (g.Cell == RecurrentCell.Gru)
                {
                    TensorPrimitives.Add(nextHidden, direct, nextHidden);
                }
            }
        }

        // Every step's previous state, [count, T, H] (zero before the first step), for dW_hh += dz^T h_(t-1).
        Span<float> previousStates = scratch.PreviousStates.Slice(0, count * steps * hidden);
        for (int b = 0; b < count; b++)
        {
            ReadOnlySpan<float> states = workspace.Slice((b * sampleWorkspace) + blockStart, layout.BlockSize);
            for (int s = 0; s < steps; s++)
            {
                int t = StepAt(direction, s, steps);
                Span<float> row = previousStates.Slice(((b * steps) + t) * hidden, hidden);
                if (s == 0)
                {
                    row.Clear();
                }
                else
                {
                    states.Slice(layout.Hidden(StepAt(direction, s - 1, steps)), hidden).CopyTo(row);
                }
            }
        }

        LinearKernels.AccumulateParameterGradients(previousStates, hiddenSide, blockGradients.WeightHh, blockGradients.BiasHh, count * steps, hidden, gateWidth);
        if (layer == 0)
        {
            // The group's input sequences are contiguous, [count * T, F].
            LinearKernels.AccumulateParameterGradients(x.Slice(0, count * steps * block.InputSize), inputSide, blockGradients.WeightIh, blockGradients.BiasIh, count * steps, block.InputSize, gateWidth);
        }
        else
        {
            for (int b = 0; b < count; b++)
            {
                ReadOnlySpan<float> layerInput = Sequence(g, workspace.Slice(b * sampleWorkspace, sampleWorkspace), layer - 1);
                LinearKernels.AccumulateParameterGradients(layerInput, inputSide.Slice(b * steps * gateWidth, steps * gateWidth), blockGradients.WeightIh, blockGradients.BiasIh, steps, block.InputSize, gateWidth);
            }
        }

        if (!inputGradient.IsEmpty)
        {
            Span<float> contribution = scratch.InputGradientContribution.Slice(0, count * steps * block.InputSize);
            LinearKernels.BackwardInput(inputSide, block.WeightIh, contribution, count * steps, block.InputSize, gateWidth);
            TensorPrimitives.Add(inputGradient, contribution, inputGradient);
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

    /// <summary>Where each state of one block sits in its part of a sample's workspace (see <see cref="RecurrentGeometry"/>).</summary>
    private readonly struct BlockLayout
    {
        private readonly int _hidden;
        private readonly int _gateWidth;
        private readonly int _stepsByHidden;
        private readonly int _gatesEnd;

        public BlockLayout(in RecurrentGeometry g)
        {
            _hidden = g.Hidden;
            _gateWidth = g.GateWidth;
            _stepsByHidden = g.Steps * g.Hidden;
            _gatesEnd = (2 * _stepsByHidden) + (g.Steps * g.GateWidth);
            BlockSize = g.BlockWorkspaceSize;
        }

        public int BlockSize { get; }

        /// <summary>h_t, <c>[T, H]</c>.</summary>
        public int Hidden(int t) => t * _hidden;

        /// <summary>LSTM's c_t or GRU's <c>W_hn h_(t-1) + b_hn</c>, <c>[T, H]</c>.</summary>
        public int Second(int t) => _stepsByHidden + (t * _hidden);

        /// <summary>The gate activations, <c>[T, G*H]</c>.</summary>
        public int Gates(int t) => (2 * _stepsByHidden) + (t * _gateWidth);

        /// <summary>LSTM's <c>tanh(c_t)</c>, <c>[T, H]</c>.</summary>
        public int TanhCell(int t) => _gatesEnd + (t * _hidden);
    }

    /// <summary>A block's part of one sample's workspace: hidden states, the second state, the gates, LSTM's <c>tanh(c)</c>.</summary>
    private readonly ref struct States
    {
        public States(in RecurrentGeometry g, Span<float> workspace, int layer, int direction)
        {
            var layout = new BlockLayout(g);
            int stepsByHidden = g.Steps * g.Hidden;
            Span<float> block = workspace.Slice(((layer * g.Directions) + direction) * g.BlockWorkspaceSize, g.BlockWorkspaceSize);
            Hidden = block.Slice(0, stepsByHidden);
            Second = g.IsGated ? block.Slice(layout.Second(0), stepsByHidden) : default;
            Gates = g.IsGated ? block.Slice(layout.Gates(0), g.Steps * g.GateWidth) : default;
            TanhCell = g.Cell == RecurrentCell.Lstm ? block.Slice(layout.TanhCell(0), stepsByHidden) : default;
        }

        public Span<float> Hidden { get; }

        /// <summary>LSTM: the cell states; GRU: <c>W_hn h_(t-1) + b_hn</c>.</summary>
        public Span<float> Second { get; }

        public Span<float> Gates { get; }

        /// <summary>LSTM: <c>tanh(c_t)</c>, which h_t multiplies and the backward pass reads.</summary>
        public Span<float> TanhCell { get; }
    }

    /// <summary>
    /// The backward pass's per-thread scratch for a group of samples, carved from one array; each buffer holds the
    /// group's samples one after another.
    /// </summary>
    private readonly ref struct BackwardScratch
    {
        public BackwardScratch(RecurrentGeometry g, int group, Span<float> memory)
        {
            int steps = g.Steps;
            int widestInput = Math.Max(g.InputSize, g.SequenceWidth);
            int at = 0;
            SequenceGradient = Carve(memory, ref at, group * steps * g.SequenceWidth);
            InputGradient = Carve(memory, ref at, group * steps * widestInput);
            InputGradientContribution = Carve(memory, ref at, group * steps * widestInput);
            InputSideGradient = Carve(memory, ref at, group * steps * g.GateWidth);
            HiddenSideGradient = Carve(memory, ref at, g.Cell == RecurrentCell.Gru ? group * steps * g.GateWidth : 0);
            PreviousStates = Carve(memory, ref at, group * steps * g.Hidden);
            NextHidden = Carve(memory, ref at, group * g.Hidden);
            NextCell = Carve(memory, ref at, group * g.Hidden);
            Direct = Carve(memory, ref at, group * g.Hidden);
            Span<float> zero = Carve(memory, ref at, g.Hidden);
            zero.Clear();
            Zero = zero;
        }

        /// <summary>The gradient with respect to the output sequences of the layer being processed, <c>[group, T, D*H]</c>.</summary>
        public Span<float> SequenceGradient { get; }

        /// <summary>The gradient with respect to that layer's input sequences.</summary>
        public Span<float> InputGradient { get; }

        /// <summary>One direction's part of <see cref="InputGradient"/>.</summary>
        public Span<float> InputGradientContribution { get; }

        /// <summary>Every step's gradient with respect to the gates' input-side pre-activations, <c>[group, T, G*H]</c>.</summary>
        public Span<float> InputSideGradient { get; }

        /// <summary>GRU: with respect to the hidden-side products (they differ from the input side in the n gate).</summary>
        public Span<float> HiddenSideGradient { get; }

        public Span<float> PreviousStates { get; }

        public Span<float> NextHidden { get; }

        public Span<float> NextCell { get; }

        public Span<float> Direct { get; }

        /// <summary>H zeros: the state and cell before a direction's first step.</summary>
        public ReadOnlySpan<float> Zero { get; }

        /// <summary>The floats of one sample's buffers.</summary>
        public static long PerSample(in RecurrentGeometry g)
        {
            long steps = g.Steps;
            int widestInput = Math.Max(g.InputSize, g.SequenceWidth);
            int gateBuffers = g.Cell == RecurrentCell.Gru ? 2 : 1;
            return (steps * g.SequenceWidth) + (2 * steps * widestInput) + (gateBuffers * steps * g.GateWidth) + (steps * g.Hidden) + (3L * g.Hidden);
        }

        public static int Size(in RecurrentGeometry g, int group) => checked((int)((group * PerSample(g)) + g.Hidden));

        private static Span<float> Carve(Span<float> memory, scoped ref int at, int length)
        {
            Span<float> part = memory.Slice(at, length);
            at += length;
            return part;
        }
    }
}
