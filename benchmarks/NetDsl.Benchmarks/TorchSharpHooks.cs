namespace NetDsl.Benchmarks;

// The TorchSharp cases (TorchSharpCases.cs) are compiled only with -p:WithTorchSharp=true (the TORCHSHARP constant).
// Without it these hooks have no implementation and the compiler removes their calls.

public partial class N1ForwardBatch1
{
    partial void SetupTorchSharp();

    partial void CleanupTorchSharp();
}

public partial class N1TrainStepBatch1
{
    partial void SetupTorchSharp();
}

public partial class N2ForwardBatch1
{
    partial void SetupTorchSharp();

    partial void CleanupTorchSharp();
}

public partial class N2ForwardBatch64
{
    partial void SetupTorchSharp();

    partial void CleanupTorchSharp();
}

public partial class N2TrainStepBatch32
{
    partial void SetupTorchSharp();
}

public partial class N3ForwardBatch1
{
    partial void SetupTorchSharp();

    partial void CleanupTorchSharp();
}

public partial class N3TrainStepBatch32
{
    partial void SetupTorchSharp();
}

public partial class N4ForwardBatch1
{
    partial void SetupTorchSharp();

    partial void CleanupTorchSharp();
}

public partial class N4ForwardBatch64
{
    partial void SetupTorchSharp();

    partial void CleanupTorchSharp();
}

public partial class N4TrainStepBatch64
{
    partial void SetupTorchSharp();

    partial void CleanupTorchSharp();
}

public partial class LstmTrainStepBatch32
{
    partial void SetupTorchSharp();

    partial void CleanupTorchSharp();
}

public partial class GruTrainStepBatch32
{
    partial void SetupTorchSharp();

    partial void CleanupTorchSharp();
}
