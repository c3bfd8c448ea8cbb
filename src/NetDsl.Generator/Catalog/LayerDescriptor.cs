using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary>
/// Everything the generator knows about one layer kind: which attribute arguments it takes, its shape rule (which also
/// resolves hyper-parameters and declares the parameter and buffer tensors), how it becomes a stage (its kind, whether
/// it can be unrolled and at what cost, whether it fuses as an activation) and how summaries show it. The parser,
/// shape inference, the stage planner and the emitters look a kind up in <see cref="LayerCatalog"/> instead of
/// switching over it.
/// </summary>
internal abstract class LayerDescriptor
{
    protected LayerDescriptor(LayerKind kind) => Kind = kind;

    public LayerKind Kind { get; }

    /// <summary>The attribute's name as a user writes it: <c>Linear</c> for LinearAttribute.</summary>
    public string AttributeName => Kind.ToString();

    /// <summary>
    /// Whether the runtime's attribute takes this many constructor arguments (a params array counts its elements); another
    /// count means a foreign attribute class that only shares the name.
    /// </summary>
    public virtual bool AcceptsArgumentCount(int count) => count == 0;

    /// <summary>The shape rule: the output shape, tensors and resolved hyper-parameters, or null after reporting a diagnostic.</summary>
    public abstract LayerResult? Infer(LayerContext context);

    /// <summary>Whether the layer can own parameters or buffers, and so gets a typed view whose name a layer name must not clash with.</summary>
    public virtual bool HasParameters => false;

    /// <summary>Whether the layer is an element-wise activation in the sense of NDSL0015 (two in a row are suspicious).</summary>
    public virtual bool IsActivation => false;

    /// <summary>Whether the layer computes something (a residual block of layers that do not computes nothing).</summary>
    public virtual bool Computes => true;

    /// <summary>Whether the layer opens a residual block (it makes no stage; the matching block end adds its input).</summary>
    public virtual bool OpensResidualBlock => false;

    /// <summary>The kind of stage the layer makes, or null for layers that move no data (Flatten, Reshape, a block start).</summary>
    public abstract StageKind? Stage { get; }

    /// <summary>Whether its stage may be straight-line code when <see cref="UnrollWork"/> is within the network's UnrollLimit.</summary>
    public virtual bool CanUnroll => false;

    /// <summary>
    /// The size of the straight-line code its stage would unroll into, compared with <c>UnrollLimit</c>: multiply-adds for
    /// affine layers, window reads for pools, elements for element-wise stages; 0 for stages that are never unrolled.
    /// </summary>
    public virtual long UnrollWork(PlannedLayer layer) => 0;

    /// <summary>
    /// The floats per sample its stage keeps besides its output, from the forward pass of training to the backward pass:
    /// one per input element for a dropout mask or a residual's saved gradient, every step's states for a recurrent layer.
    /// </summary>
    public virtual int AuxiliaryWidth(PlannedLayer layer) => 0;

    /// <summary>
    /// Whether the layer's output is a sequence <c>[T, F]</c> of steps (a recurrent layer's every-step output, an
    /// embedding's rows, a per-step Linear), given whether its input was one: element-wise layers keep the layout, the
    /// rest end it. A later Linear then applies to every step, as PyTorch's does, where on another 2-D shape (a 1-D
    /// convolution's <c>[C, L]</c>) it asks for a Flatten.
    /// </summary>
    public virtual bool OutputIsSequence(LayerResult result, bool inputIsSequence) => false;

    /// <summary>The element-wise function of an activation layer, or null for other layers.</summary>
    public virtual ActivationFunction? Activation(PlannedLayer layer) => null;

    /// <summary>How summaries and comments show the layer: <c>Linear(3, 2)</c>, <c>Dropout(p=0.5)</c>.</summary>
    public virtual string SummaryText(PlannedLayer layer) => AttributeName;

    /// <summary>
    /// Whether the layer has an int8 form in the quantized twin of a <c>[Network(Int8 = true)]</c> network
    /// (<c>NetDsl.Quantization.QuantizedNetwork</c> runs the same list); <paramref name="isLast"/> when it is the last layer.
    /// A layer without one is NDSL0034. <paramref name="previous"/> is the layer before it, if any.
    /// </summary>
    public virtual bool HasInt8Form(PlannedLayer layer, PlannedLayer? previous, bool isLast) => false;
}
