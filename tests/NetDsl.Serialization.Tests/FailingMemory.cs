using System;
using System.Buffers;

namespace NetDsl.Serialization.Tests;

/// <summary>
/// Memory whose contents cannot be read: any access to its span throws. As the values of an extra tensor it makes a
/// save fail midway, after the header and the tensors sorted before it have been written.
/// </summary>
internal sealed class FailingMemory(int length) : MemoryManager<float>
{
    public const string Message = "Simulated failure while the file was being written.";

    public Memory<float> AsMemory() => CreateMemory(length);

    public override Span<float> GetSpan() => throw new InvalidOperationException(Message);

    public override MemoryHandle Pin(int elementIndex = 0) => throw new InvalidOperationException(Message);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
