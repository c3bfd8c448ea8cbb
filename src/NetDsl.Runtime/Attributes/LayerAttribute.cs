using System;

namespace NetDsl;

/// <summary>The base of every layer attribute. Layers apply in the order in which they are written.</summary>
public abstract class LayerAttribute : Attribute
{
    /// <summary>
    /// The layer's name: the key of its tensors in weight files (<c>fc1.weight</c>, as PyTorch's
    /// <c>state_dict()</c> names them) and, in PascalCase, the name of its typed view (<c>model.Fc1</c>).
    /// An unnamed layer is named by its position in the stack, as in PyTorch's <c>nn.Sequential</c>
    /// (<c>0</c>, <c>1</c>, ...; its view is <c>Layer0</c>).
    /// </summary>
    public string? Name { get; set; }
}
