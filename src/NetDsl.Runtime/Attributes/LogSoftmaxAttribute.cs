using System;

namespace NetDsl;

/// <summary>The log of the softmax over the features of a one-dimensional sample, computed stably, as PyTorch's <c>nn.LogSoftmax(dim=1)</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LogSoftmaxAttribute : LayerAttribute;
