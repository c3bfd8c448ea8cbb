using System;
using System.IO;
using System.Linq;
using Xunit;

namespace NetDsl.Onnx.Tests;

/// <summary>The path overload writes a temporary file and renames it: the destination is always whole, never partial.</summary>
public sealed class AtomicExportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("netdsl-onnx-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void WritesTheSameBytesAsTheStreamOverloadAndLeavesNoTemporaryFile()
    {
        INetwork network = SampleNetworks.Create(nameof(CnnNet));
        string path = Path.Combine(_directory, "cnn.onnx");

        OnnxExporter.Export(network, path);

        using var stream = new MemoryStream();
        OnnxExporter.Export(network, stream);
        Assert.Equal(stream.ToArray(), File.ReadAllBytes(path));
        Assert.Equal(["cnn.onnx"], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void AFrozenNetworkExportsTheSameModel()
    {
        INetwork frozen = SampleNetworks.Create(nameof(CnnNetKernels));
        frozen.Freeze();

        Assert.Equal(OnnxExporter.ToBytes(SampleNetworks.Create(nameof(CnnNetKernels))), OnnxExporter.ToBytes(frozen));
    }

    [Fact]
    public void ReplacesAnExistingFileWhole()
    {
        string path = Path.Combine(_directory, "model.onnx");
        File.WriteAllBytes(path, new byte[100_000]);

        OnnxExporter.Export(SampleNetworks.Create(nameof(MlpNet)), path);

        Assert.Equal(OnnxExporter.ToBytes(SampleNetworks.Create(nameof(MlpNet))), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public void AFailedExportLeavesTheExistingFileUntouchedAndNoTemporaryFile()
    {
        string path = Path.Combine(_directory, "model.onnx");
        byte[] original = [1, 2, 3];
        File.WriteAllBytes(path, original);
        var network = new FakeNetwork([], FakeNetwork.Shapeless("x", "Unknown"));

        Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(network, path));

        Assert.Equal(original, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public void AFailedRenameRemovesTheTemporaryFile()
    {
        // The destination is a directory, so the final rename fails after the temporary file was written.
        string path = Path.Combine(_directory, "taken");
        Directory.CreateDirectory(path);

        Assert.ThrowsAny<IOException>(() => OnnxExporter.Export(SampleNetworks.Create(nameof(MlpNet)), path));

        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void ARelativePathIsResolvedAgainstTheCurrentDirectory()
    {
        string previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = _directory;
        try
        {
            OnnxExporter.Export(SampleNetworks.Create(nameof(MlpNet)), "relative.onnx");
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }

        Assert.True(File.Exists(Path.Combine(_directory, "relative.onnx")));
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        INetwork network = SampleNetworks.Create(nameof(MlpNet));
        Assert.Throws<ArgumentNullException>(() => OnnxExporter.Export((INetwork)null!, Path.Combine(_directory, "x.onnx")));
        Assert.Throws<ArgumentNullException>(() => OnnxExporter.Export(network, (string)null!));
        Assert.Throws<ArgumentException>(() => OnnxExporter.Export(network, ""));
        Assert.Throws<ArgumentNullException>(() => OnnxExporter.Export(network, (Stream)null!));
        using var readOnly = new MemoryStream([], writable: false);
        Assert.Throws<ArgumentException>(() => OnnxExporter.Export(network, readOnly));
    }
}
