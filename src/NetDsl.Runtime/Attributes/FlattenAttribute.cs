using System;

namespace NetDsl;

/// <summary>
/// Flattens a sample of any shape into one dimension, row-major, as PyTorch's <c>nn.Flatten()</c>
/// (which keeps the batch dimension). It moves no data: NetDsl stores samples row-major already.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : LayerAttribute;
