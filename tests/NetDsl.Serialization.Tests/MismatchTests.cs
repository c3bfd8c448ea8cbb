using System;
using System.Collections.Generic;
using System.IO;
using Xunit;

namespace NetDsl.Serialization.Tests;

// Valid safetensors files that do not fit the network: missing, extra, misnamed tensors, wrong shapes or dtypes, a
// required architecture or a newer version. Each is refused before the network is touched.
public class MismatchTests
{
    // SeedNet's tensors as PyTorch writes them (no metadata), with the given replacements.
    private static byte[] PyTorchFile(string fc2WeightEntry = "'fc2.weight':{'dtype':'F32','shape':[1,2],'data_offsets':[36,44]}", string extra = "", params byte[][] extraData)
    {
        string header = "{'fc1.bias':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},'fc1.weight':{'dtype':'F32','shape':[2,3],'data_offsets':[8,32]},"
            + "'fc2.bias':{'dtype':'F32','shape':[1],'data_offsets':[32,36]}," + fc2WeightEntry + extra + "}";
        return SafeTensorsBytes.File(SafeTensorsBytes.Q(header), [SafeTensorsBytes.F32(7, 8, 1, 2, 3, 4, 5, 6, 11), .. extraData]);
    }

    [Fact]
    public void A_wrong_shape_names_the_tensor_and_both_shapes()
    {
        byte[] file = PyTorchFile("'fc2.weight':{'dtype':'F32','shape':[1,3],'data_offsets':[36,48]}", "", SafeTensorsBytes.F32(9, 10, 12));

        WeightFileException error = LoadAssert.Fails(file, WeightFileError.ShapeMismatch, "fc2.weight");

        Assert.Equal("Tensor 'fc2.weight' has shape [1, 3] in the file, but the network needs [1, 2].", error.Message);
    }

    [Fact]
    public void A_file_of_another_architecture_says_so_beside_the_first_mismatch()
    {
        byte[] wider = new WiderNN(5).SaveWeightsToArray();

        WeightFileException error = LoadAssert.Fails(wider, WeightFileError.ShapeMismatch, "fc1.weight");

        Assert.Equal(
            "Tensor 'fc1.weight' has shape [3, 3] in the file, but the network needs [2, 3]. (The file was saved from the architecture "
            + "'Input[3] fc1=Linear(3,3) 1=ReLU fc2=Linear(3,1)'; the network is 'Input[3] fc1=Linear(3,2) 1=ReLU fc2=Linear(2,1)'.)",
            error.Message);
    }

    [Fact]
    public void A_missing_tensor_is_named_with_its_shape()
    {
        byte[] file = SafeTensorsBytes.File(
            SafeTensorsBytes.Q("{'fc1.bias':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},'fc1.weight':{'dtype':'F32','shape':[2,3],'data_offsets':[8,32]},'fc2.weight':{'dtype':'F32','shape':[1,2],'data_offsets':[32,40]}}"),
            SafeTensorsBytes.F32(7, 8, 1, 2, 3, 4, 5, 6, 9, 10));

        WeightFileException error = LoadAssert.Fails(file, WeightFileError.MissingTensor, "fc2.bias");

        Assert.Equal("The file has no tensor 'fc2.bias' (shape [1]), which the network needs.", error.Message);
    }

    [Fact]
    public void A_misnamed_tensor_is_reported_as_missing_with_the_unknown_names_beside_it()
    {
        byte[] file = PyTorchFile("'fc2.weights':{'dtype':'F32','shape':[1,2],'data_offsets':[36,44]}", "", SafeTensorsBytes.F32(9, 10));

        WeightFileException error = LoadAssert.Fails(file, WeightFileError.MissingTensor, "fc2.weight");

        Assert.Equal(
            "The file has no tensor 'fc2.weight' (shape [1, 2]), which the network needs. The file has tensors the network does not know: 'fc2.weights'.",
            error.Message);
    }

    [Fact]
    public void An_empty_file_misses_the_first_parameter()
    {
        WeightFileException error = LoadAssert.Fails(GoldenReadTests.EmptyFile, WeightFileError.MissingTensor, "fc1.weight");

        Assert.Equal("The file has no tensor 'fc1.weight' (shape [2, 3]), which the network needs. The file holds no tensors.", error.Message);
    }

    [Fact]
    public void A_tensor_that_is_not_a_parameter_is_an_error_unless_requested_as_an_extra()
    {
        byte[] file = PyTorchFile(
            extra: ",'normalizer.mean':{'dtype':'F32','shape':[3],'data_offsets':[44,56]}",
            extraData: [SafeTensorsBytes.F32(9, 10), SafeTensorsBytes.F32(0.5f, 1.5f, 2.5f)]);

        WeightFileException error = LoadAssert.Fails(file, WeightFileError.UnexpectedTensor, "normalizer.mean");

        Assert.Equal(
            "The file has tensor 'normalizer.mean' (F32, shape [3]), which is not a parameter of the network. The network's parameters are "
            + "'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'; to read other tensors (normalization statistics, for example), request them as extra tensors.",
            error.Message);

        var model = new SeedNet(1);
        LoadedWeights loaded = model.LoadWeights(file, new WeightLoadOptions { Extras = ["normalizer.mean"] });
        Assert.Equal([0.5f, 1.5f, 2.5f], loaded.Extras["normalizer.mean"].Values.ToArray());
        Assert.Equal(Models.Bits(Models.Counting()), Models.Bits(model));
    }

    [Fact]
    public void A_requested_extra_that_is_missing_is_an_error()
    {
        var options = new WeightLoadOptions { Extras = ["normalizer.mean"] };

        WeightFileException error = LoadAssert.Fails(PyTorchFiles.SimpleNNCounting, WeightFileError.MissingTensor, "normalizer.mean", options);

        Assert.Equal("The file has no tensor 'normalizer.mean', which was requested as an extra tensor.", error.Message);
    }

    [Fact]
    public void A_tensor_in_a_dtype_NetDsl_does_not_convert_is_refused()
    {
        byte[] file = PyTorchFile("'fc2.weight':{'dtype':'I32','shape':[1,2],'data_offsets':[36,44]}", "", SafeTensorsBytes.F32(9, 10));

        WeightFileException error = LoadAssert.Fails(file, WeightFileError.UnsupportedDtype, "fc2.weight");

        Assert.Equal("Tensor 'fc2.weight' has dtype I32, but NetDsl loads only floating-point tensors: F32, and F16, BF16 or F64 converted to float32.", error.Message);

        byte[] steps = PyTorchFile(
            extra: ",'steps':{'dtype':'I64','shape':[],'data_offsets':[44,52]}",
            extraData: [SafeTensorsBytes.F32(9, 10), SafeTensorsBytes.I64(3)]);
        LoadAssert.Fails(steps, WeightFileError.UnsupportedDtype, "steps", new WeightLoadOptions { Extras = ["steps"] });
    }

    [Fact]
    public void An_F64_value_beyond_float32_fails_after_other_tensors_decoded_and_leaves_the_network_untouched()
    {
        // fc1.* decode into the scratch copy first; the failure comes while decoding fc2.weight.
        byte[] file = PyTorchFile("'fc2.weight':{'dtype':'F64','shape':[1,2],'data_offsets':[36,52]}", "", SafeTensorsBytes.F64(9, 1e300));

        WeightFileException error = LoadAssert.Fails(file, WeightFileError.ValueOutOfRange, "fc2.weight");

        Assert.Equal(
            "Tensor 'fc2.weight' holds the F64 value 1E+300 at element [0, 1], outside the range of float32 (±3.4028235E+38); NetDsl computes in float32 "
            + "and does not turn it into an infinity.",
            error.Message);
    }

    [Fact]
    public void The_architecture_does_not_block_a_load_whose_tensors_match_unless_required()
    {
        byte[] tanhFile = Models.Copy(Models.Counting(), new SimpleTanhNN(0)).SaveWeightsToArray();
        var model = new SeedNet(1);

        LoadedWeights loaded = model.LoadWeights(tanhFile);

        Assert.Equal("Input[3] fc1=Linear(3,2) 1=Tanh fc2=Linear(2,1)", loaded.Architecture);
        Assert.False(loaded.ArchitectureMatches);
        Assert.Equal(Models.Bits(Models.Counting()), Models.Bits(model));

        var required = new WeightLoadOptions { RequireMatchingArchitecture = true };
        WeightFileException error = LoadAssert.Fails(tanhFile, WeightFileError.ArchitectureMismatch, null, required);
        Assert.Equal(
            "The file was saved from the architecture 'Input[3] fc1=Linear(3,2) 1=Tanh fc2=Linear(2,1)', but the network is 'Input[3] fc1=Linear(3,2) 1=ReLU fc2=Linear(2,1)'.",
            error.Message);
    }

    [Fact]
    public void Requiring_the_architecture_refuses_files_that_record_none()
    {
        var required = new WeightLoadOptions { RequireMatchingArchitecture = true };

        WeightFileException error = LoadAssert.Fails(PyTorchFiles.SimpleNNCounting, WeightFileError.ArchitectureMismatch, null, required);

        Assert.Equal(
            "The file records no NetDsl architecture (files written by PyTorch do not), but a matching architecture was required; the network is "
            + "'Input[3] fc1=Linear(3,2) 1=ReLU fc2=Linear(2,1)'.",
            error.Message);
        Assert.True(new SeedNet(1).LoadWeights(Models.Counting().SaveWeightsToArray(), required).ArchitectureMatches);
    }

    [Fact]
    public void A_newer_weight_file_version_is_refused()
    {
        byte[] file = SafeTensorsBytes.File(SafeTensorsBytes.Q("{'__metadata__':{'netdsl.format_version':'2'}}"));

        WeightFileException error = LoadAssert.Fails(file, WeightFileError.UnsupportedVersion, null);

        Assert.Equal("The file was written in NetDsl weight-file version '2', but this NetDsl reads version 1: update NetDsl to load it.", error.Message);
    }

    [Fact]
    public void Bad_extra_requests_are_argument_errors_raised_before_reading()
    {
        var model = new SeedNet(1);
        int[] before = Models.Bits(model);
        byte[] garbage = [1, 2, 3];

        Assert.Contains("'fc1.weight' is requested twice, or is a parameter", Assert.Throws<ArgumentException>(() => model.LoadWeights(garbage, new WeightLoadOptions { Extras = ["fc1.weight"] })).Message);
        Assert.Contains("'m' is requested twice", Assert.Throws<ArgumentException>(() => model.LoadWeights(garbage, new WeightLoadOptions { Extras = ["m", "m"] })).Message);
        Assert.Contains("must not be null or empty", Assert.Throws<ArgumentException>(() => model.LoadWeights(garbage, new WeightLoadOptions { Extras = [""] })).Message);
        Assert.Throws<ArgumentException>(() => model.LoadWeights(new MemoryStream(garbage), new WeightLoadOptions { Extras = ["m", "m"] }));
        Assert.Equal(before, Models.Bits(model));
    }

    [Fact]
    public void Null_arguments_are_refused()
    {
        var model = new SeedNet(1);

        Assert.Throws<ArgumentNullException>(() => model.LoadWeights((Stream)null!));
        Assert.Throws<ArgumentNullException>(() => model.LoadWeights((string)null!));
        Assert.Throws<ArgumentException>(() => model.LoadWeights(""));
        Assert.Throws<ArgumentNullException>(() => WeightFile.LoadWeights(null!, PyTorchFiles.SimpleNNCounting));
        Assert.Throws<ArgumentNullException>(() => model.SaveWeights((Stream)null!));
        Assert.Throws<ArgumentNullException>(() => model.SaveWeights((string)null!));
        Assert.Throws<FileNotFoundException>(() => model.LoadWeights(Path.Combine(Path.GetTempPath(), "netdsl-no-such-file.safetensors")));
    }

    [Fact]
    public void Extras_keep_their_file_shapes_and_metadata_comes_back()
    {
        var mean = new NamedTensor("normalizer.mean", new float[] { 1, 2, 3 }, 3);
        var count = new NamedTensor("normalizer.count", new float[] { 60000 });
        var grid = new NamedTensor("grid", new float[] { 1, 2, 3, 4, 5, 6 }, 2, 1, 3);
        var none = new NamedTensor("none", ReadOnlyMemory<float>.Empty, 0, 4);
        byte[] file = Models.Counting().SaveWeightsToArray([mean, count, grid, none], new Dictionary<string, string> { ["dataset"] = "digits" });

        LoadedWeights loaded = new SeedNet(1).LoadWeights(file, new WeightLoadOptions { Extras = ["normalizer.mean", "normalizer.count", "grid", "none"] });

        Assert.Equal("[3]", loaded.Extras["normalizer.mean"].ShapeText);
        Assert.Equal("[]", loaded.Extras["normalizer.count"].ShapeText);
        Assert.Equal([60000f], loaded.Extras["normalizer.count"].Values.ToArray());
        Assert.Equal([2, 1, 3], loaded.Extras["grid"].Shape.ToArray());
        Assert.Equal([1f, 2, 3, 4, 5, 6], loaded.Extras["grid"].Values.ToArray());
        Assert.Equal(0, loaded.Extras["none"].Length);
        Assert.Equal("[0, 4]", loaded.Extras["none"].ShapeText);
        Assert.Equal("digits", loaded.Metadata["dataset"]);
        Assert.Equal("pt", loaded.Metadata["format"]);
        Assert.Equal("1", loaded.Metadata["netdsl.format_version"]);
        Assert.Equal(new SeedNet(0).Architecture, loaded.Metadata["netdsl.architecture"]);
        Assert.True(loaded.ArchitectureMatches);
    }
}
