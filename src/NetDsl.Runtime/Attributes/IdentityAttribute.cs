using System;

namespace NetDsl;

/// <summary>Passes its input through unchanged, as PyTorch's <c>nn.Identity</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class IdentityAttribute : LayerAttribute;
