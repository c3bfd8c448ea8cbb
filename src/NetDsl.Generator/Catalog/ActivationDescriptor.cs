using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes.Rules;

namespace NetDsl.Generator.Catalog;

/// <summary>
/// An element-wise activation without parameter tensors: any input shape, the same output shape, its hyper-parameters
/// (if any) resolved with PyTorch's defaults and passed to the runtime's <c>ScalarActivations</c> and
/// <c>ActivationKernels</c> methods of the same name. One whose derivative follows from its output fuses into a
/// preceding Linear or convolution.
/// </summary>
internal class ActivationDescriptor : LayerDescriptor
{
    private readonly bool _backwardFromOutput;
    private readonly bool _kernelMatchesScalar;
    private readonly ActivationParameter[] _parameters;

    public ActivationDescriptor(LayerKind kind, bool backwardFromOutput, params ActivationParameter[] parameters)
        : this(kind, backwardFromOutput, kernelMatchesScalar: true, parameters)
    {
    }

    /// <param name="kernelMatchesScalar">See <see cref="ActivationFunction.KernelMatchesScalar"/>.</param>
    public ActivationDescriptor(LayerKind kind, bool backwardFromOutput, bool kernelMatchesScalar, params ActivationParameter[] parameters)
        : base(kind)
    {
        _backwardFromOutput = backwardFromOutput;
        _kernelMatchesScalar = kernelMatchesScalar;
        _parameters = parameters;
    }

    public override bool AcceptsArgumentCount(int count) => count <= _parameters.Count(p => p.Positional);

    public override LayerResult? Infer(LayerContext context)
    {
        var result = new LayerResult(context.Input);
        var values = new List<NamedValue>();
        int positional = 0;
        foreach (ActivationParameter parameter in _parameters)
        {
            double value = parameter.Positional
                ? (context.Layer.Arguments.Count > positional ? context.Layer.Arguments[positional] : parameter.Default)
                : context.Layer.Option(parameter.Name, parameter.Default);
            positional += parameter.Positional ? 1 : 0;
            if (double.IsNaN(value) || double.IsInfinity(value))
            {
                context.ReportInvalid(parameter.Name, SummaryFormat.Number(value), "it must be a finite number");
                return null;
            }

            if (parameter.MustBePositive && !(value > 0))
            {
                context.ReportInvalid(parameter.Name, SummaryFormat.Number(value), "it must be positive");
                return null;
            }

            values.Add(new NamedValue(parameter.Name, value));
        }

        if (values.Count > 0)
        {
            result.HyperParameters = new ActivationParameters(values.ToEquatableArray());
        }

        return result;
    }

    public override bool IsActivation => true;

    /// <summary>
    /// Every element-wise activation: ReLU in integers (<c>max(q, zero point)</c>, or fused into the layer before it), the
    /// others in float between a dequantize and a quantize step.
    /// </summary>
    public override bool HasInt8Form(PlannedLayer layer, PlannedLayer? previous, bool isLast) => true;

    public override StageKind? Stage => StageKind.Activation;

    public override bool CanUnroll => true;

    public override long UnrollWork(PlannedLayer layer) => layer.InFeatures;

    public override ActivationFunction Activation(PlannedLayer layer) =>
        new(AttributeName, _backwardFromOutput, Values(layer).Select(v => v.Value).ToEquatableArray(), _kernelMatchesScalar);

    /// <summary><c>ELU(0.5)</c>, <c>Softplus(beta=2, threshold=20)</c>; the name alone without hyper-parameters.</summary>
    public override string SummaryText(PlannedLayer layer)
    {
        if (_parameters.Length == 0)
        {
            return AttributeName;
        }

        var parts = new List<string>();
        EquatableArray<NamedValue> values = Values(layer);
        for (int i = 0; i < _parameters.Length; i++)
        {
            ActivationParameter parameter = _parameters[i];
            string value = SummaryFormat.Number(values[i].Value);
            parts.Add(parameter.Positional ? value : char.ToLowerInvariant(parameter.Name[0]) + parameter.Name.Substring(1) + "=" + value);
        }

        return AttributeName + "(" + string.Join(", ", parts) + ")";
    }

    private EquatableArray<NamedValue> Values(PlannedLayer layer) =>
        _parameters.Length == 0 ? EquatableArray<NamedValue>.Empty : layer.HyperParametersAs<ActivationParameters>().Values;

    public override bool OutputIsSequence(LayerResult result, bool inputIsSequence) => inputIsSequence;
}
