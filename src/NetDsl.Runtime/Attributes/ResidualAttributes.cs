using System;

namespace NetDsl;

/// <summary>
/// Opens a residual block: the layers up to the matching <see cref="EndResidualAttribute"/> form a block <c>f</c>, and the
/// stack continues with <c>x + f(x)</c>. The block must keep the shape. Blocks may nest.
/// </summary>
/// <example><code>
/// [Residual]
/// [Conv2D(8, Kernel = 3, Padding = 1), ReLU]
/// [Conv2D(8, Kernel = 3, Padding = 1)]
/// [EndResidual, ReLU]
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ResidualAttribute : LayerAttribute;

/// <summary>Closes the innermost open <see cref="ResidualAttribute"/> block: its output is added to the block's input.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class EndResidualAttribute : LayerAttribute;
