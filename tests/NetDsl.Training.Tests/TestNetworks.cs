using NetDsl;

namespace NetDsl.Training.Tests;

/// <summary>A small classifier (unrolled code): 4 features, 3 classes.</summary>
[Network]
[Input(4)]
[Linear(8, Name = "fc1"), Tanh]
[Linear(3, Name = "fc2")]
public partial class TinyClassifier;

/// <summary>A classifier large enough for the kernel path (64 × 32 > the unroll limit): 16 features, 4 classes.</summary>
[Network]
[Input(16)]
[Linear(32, Name = "fc1"), ReLU]
[Linear(4, Name = "fc2")]
public partial class KernelClassifier;

/// <summary>A linear regressor: 2 features, 1 value.</summary>
[Network]
[Input(2)]
[Linear(1, Name = "fc")]
public partial class LinearRegressor;

/// <summary>One logit from 3 features, for binary cross-entropy.</summary>
[Network]
[Input(3)]
[Linear(4, Name = "fc1"), ReLU]
[Linear(1, Name = "fc2")]
public partial class BinaryClassifier;
