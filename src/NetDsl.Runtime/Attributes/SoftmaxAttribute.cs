using System;

namespace NetDsl;

/// <summary>The softmax over the features of a one-dimensional sample, as PyTorch's <c>nn.Softmax(dim=1)</c> on <c>[N, C]</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SoftmaxAttribute : LayerAttribute;
