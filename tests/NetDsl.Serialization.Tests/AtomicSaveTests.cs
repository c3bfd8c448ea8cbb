using System;
using System.IO;
using Xunit;

namespace NetDsl.Serialization.Tests;

// A save to a path replaces the file all at once or not at all, and leaves no temporary file behind.
public class AtomicSaveTests
{
    [Fact]
    public void A_failure_midway_leaves_the_old_file_intact_and_no_temporary_file()
    {
        using var directory = new TempDirectory();
        string path = directory.File("model.safetensors");
        Models.Counting().SaveWeights(path);
        byte[] before = File.ReadAllBytes(path);

        // "zz.failing" sorts after every parameter: the header and the parameters are written before it fails.
        var failing = new NamedTensor("zz.failing", new FailingMemory(1000).AsMemory(), 1000);
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => new SeedNet(99).SaveWeights(path, [failing]));

        Assert.Equal(FailingMemory.Message, error.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], directory.Entries());
    }

    [Fact]
    public void A_failure_midway_creates_no_file_where_there_was_none()
    {
        using var directory = new TempDirectory();
        var failing = new NamedTensor("zz.failing", new FailingMemory(10).AsMemory(), 10);

        Assert.Throws<InvalidOperationException>(() => new SeedNet(1).SaveWeights(directory.File("model.safetensors"), [failing]));

        Assert.Empty(directory.Entries());
    }

    [Fact]
    public void A_failing_rename_removes_the_temporary_file()
    {
        using var directory = new TempDirectory();
        string target = directory.File("occupied");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "keep");

        Exception error = Assert.ThrowsAny<Exception>(() => new SeedNet(1).SaveWeights(target));

        Assert.True(error is IOException or UnauthorizedAccessException, error.ToString());
        Assert.Equal(["occupied"], directory.Entries());
        Assert.Equal("keep", File.ReadAllText(Path.Combine(target, "keep.txt")));
    }

    [Fact]
    public void Invalid_arguments_are_refused_before_any_file_is_created()
    {
        using var directory = new TempDirectory();
        string path = directory.File("model.safetensors");
        Models.Counting().SaveWeights(path);
        byte[] before = File.ReadAllBytes(path);
        var model = new SeedNet(2);

        Assert.Contains("has the name of a parameter", Assert.Throws<ArgumentException>(() => model.SaveWeights(path, [new NamedTensor("fc1.bias", new float[2], 2)])).Message);
        Assert.Contains("already added", Assert.Throws<ArgumentException>(() => model.SaveWeights(path, [new NamedTensor("m", new float[1], 1), new NamedTensor("m", new float[1], 1)])).Message);
        Assert.Contains("metadata key", Assert.Throws<ArgumentException>(() => model.SaveWeights(path, [new NamedTensor("__metadata__", new float[1], 1)])).Message);
        Assert.Contains("contain null", Assert.Throws<ArgumentException>(() => model.SaveWeights(path, [null!])).Message);
        Assert.Contains("is reserved", Assert.Throws<ArgumentException>(() => model.SaveWeights(path, metadata: new System.Collections.Generic.Dictionary<string, string> { ["netdsl.architecture"] = "x" })).Message);
        Assert.Contains("is reserved", Assert.Throws<ArgumentException>(() => model.SaveWeights(path, metadata: new System.Collections.Generic.Dictionary<string, string> { ["format"] = "np" })).Message);

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], directory.Entries());
    }

    [Fact]
    public void A_missing_directory_is_an_IO_error_and_creates_nothing()
    {
        using var directory = new TempDirectory();

        Assert.Throws<DirectoryNotFoundException>(() => new SeedNet(1).SaveWeights(directory.File(Path.Combine("missing", "model.safetensors"))));

        Assert.Empty(directory.Entries());
    }

    [Fact]
    public void A_successful_save_replaces_the_old_file()
    {
        using var directory = new TempDirectory();
        string path = directory.File("model.safetensors");
        File.WriteAllText(path, "an older, longer file that is not a weight file at all");
        var model = new SeedNet(3);

        model.SaveWeights(path);

        Assert.Equal(model.SaveWeightsToArray(), File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], directory.Entries());
    }

    [Fact]
    public void A_relative_path_saves_beside_the_current_directory()
    {
        using var directory = new TempDirectory();
        string previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = directory.Path;
            new SeedNet(4).SaveWeights("relative.safetensors");
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }

        Assert.Equal(["relative.safetensors"], directory.Entries());
    }

    [Fact]
    public void The_low_level_writer_saves_atomically_too()
    {
        using var directory = new TempDirectory();
        string path = directory.File("tensors.safetensors");
        new SafeTensorsWriter().Add("a", new float[] { 1 }, 1).Save(path);
        byte[] before = File.ReadAllBytes(path);

        var writer = new SafeTensorsWriter().Add("b", new FailingMemory(4).AsMemory(), 4);
        Assert.Throws<InvalidOperationException>(() => writer.Save(path));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["tensors.safetensors"], directory.Entries());
    }
}
