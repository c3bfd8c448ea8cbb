using System;
using NetDsl.Generated;

namespace NetDsl.Tests;

/// <summary>Runs a test with the kernels limited to a vector width (tests in <see cref="VectorWidthCollection"/> only: the setting is process-wide).</summary>
internal static class VectorBits
{
    public static void With(int vectorBits, Action test)
    {
        int saved = ElementwiseKernels.MaximumVectorBits;
        ElementwiseKernels.MaximumVectorBits = vectorBits;
        try
        {
            test();
        }
        finally
        {
            ElementwiseKernels.MaximumVectorBits = saved;
        }
    }
}
