using System;
using System.Runtime.CompilerServices;

namespace NetDsl.Quantization;

/// <summary>
/// A <c>MaxPool2D</c> on uint8: quantization is monotonic, so the largest quantized value is the quantized largest value;
/// the scale and zero point pass through. Padding never wins (PyTorch pads with minus infinity).
/// </summary>
internal sealed class QuantizedMaxPool : QuantizedStage
{
    public QuantizedMaxPool(string name, Int8Window window, QuantizationParameters parameters)
        : base(name, window.OneDimensional ? "MaxPool1D" : "MaxPool2D", window.InChannels * window.InPlane, window.OutChannels * window.OutPlane, parameters)
    {
        Window = window;
    }

    public Int8Window Window { get; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(ReadOnlySpan<byte> x, int rows, Span<byte> y, Span<int> accumulators)
    {
        Int8Window g = Window;
        if (x.Length < rows * InFeatures || y.Length < rows * OutFeatures)
        {
            throw new ArgumentException("The pool's spans are too short.");
        }

        // The geometry in locals: writes through the byte references could alias the window's fields, so the JIT would
        // read them again on every tap.
        (int channels, int inHeight, int inWidth, int outHeight, int outWidth) = (g.OutChannels, g.InHeight, g.InWidth, g.OutHeight, g.OutWidth);
        (int kernelHeight, int kernelWidth, int strideHeight, int strideWidth) = (g.KernelHeight, g.KernelWidth, g.StrideHeight, g.StrideWidth);
        (int padTop, int padLeft, int dilationHeight, int dilationWidth) = (g.PadTop, g.PadLeft, g.DilationHeight, g.DilationWidth);
        int inPlane = inHeight * inWidth, outPlane = outHeight * outWidth;
        ref byte source = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref byte target = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        for (int n = 0; n < rows; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                ref byte plane = ref Unsafe.Add(ref source, (n * channels + c) * inPlane);
                ref byte output = ref Unsafe.Add(ref target, (n * channels + c) * outPlane);
                for (int oh = 0; oh < outHeight; oh++)
                {
                    int top = (oh * strideHeight) - padTop;
                    for (int ow = 0; ow < outWidth; ow++)
                    {
                        int left = (ow * strideWidth) - padLeft;
                        int largest = 0;
                        for (int i = 0; i < kernelHeight; i++)
                        {
                            int row = top + (i * dilationHeight);
                            if ((uint)row >= (uint)inHeight)
                            {
                                continue;
                            }

                            ref byte line = ref Unsafe.Add(ref plane, row * inWidth);
                            for (int j = 0; j < kernelWidth; j++)
                            {
                                int column = left + (j * dilationWidth);
                                if ((uint)column < (uint)inWidth)
                                {
                                    largest = Math.Max(largest, Unsafe.Add(ref line, column));
                                }
                            }
                        }

                        Unsafe.Add(ref output, (oh * outWidth) + ow) = (byte)largest;
                    }
                }
            }
        }
    }
}
