using System.Text;
using Xunit;

namespace NetDsl.Serialization.Tests;

// The byte strings of the safetensors reference implementation's own tests (safetensors/src/tensor.rs), with the
// error it expects for each and the error NetDsl gives. NetDsl splits the reference's MetadataIncompleteBuffer into
// Truncated and TrailingBytes, and its HeaderTooSmall and InvalidHeaderLength are both Truncated.
public class ReferenceVectorTests
{
    // Rust byte-string literals, with \xNN escapes turned into Latin-1 characters.
    private static byte[] B(string rust) => Encoding.Latin1.GetBytes(rust);

    private const string Zeros16 = "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

    [Theory]
    // test_metadata_incomplete_buffer: MetadataIncompleteBuffer, twice.
    [InlineData("<\0\0\0\0\0\0\0{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}" + Zeros16 + "extra_bogus_data_for_polyglot_file", WeightFileError.TrailingBytes)]
    [InlineData("<\0\0\0\0\0\0\0{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}\0\0\0\0\0\0\0\0\0\0\0\0\0\0", WeightFileError.Truncated)]
    // test_header_too_large: HeaderTooLarge.
    [InlineData("<\0\0\0\0\u00ff\u00ff\u00ff{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}" + Zeros16, WeightFileError.HeaderTooLarge)]
    // test_header_too_small: HeaderTooSmall.
    [InlineData("", WeightFileError.Truncated)]
    // test_invalid_header_length: InvalidHeaderLength.
    [InlineData("<\0\0\0\0\0\0\0", WeightFileError.Truncated)]
    // test_invalid_header_non_utf8: InvalidHeader(Utf8Error).
    [InlineData("\u0001\0\0\0\0\0\0\0\u00ff", WeightFileError.InvalidUtf8)]
    // test_invalid_header_not_json: InvalidHeaderDeserialization.
    [InlineData("\u0001\0\0\0\0\0\0\0{", WeightFileError.InvalidJson)]
    // test_invalid_info: TensorInvalidInfo.
    [InlineData("<\0\0\0\0\0\0\0{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0, 4]}}", WeightFileError.SizeMismatch)]
    // test_validation_overflow: ValidationOverflow, twice.
    [InlineData("O\0\0\0\0\0\0\0{\"test\":{\"dtype\":\"I32\",\"shape\":[2,18446744073709551614],\"data_offsets\":[0,16]}}" + Zeros16, WeightFileError.SizeMismatch)]
    [InlineData("N\0\0\0\0\0\0\0{\"test\":{\"dtype\":\"I32\",\"shape\":[2,9223372036854775807],\"data_offsets\":[0,16]}}" + Zeros16, WeightFileError.SizeMismatch)]
    public void Files_the_reference_refuses_are_refused(string rust, WeightFileError error)
    {
        Assert.Equal(error, Assert.Throws<WeightFileException>(() => SafeTensorsFile.Read(B(rust))).Error);
    }

    [Theory]
    // test_whitespace_padded_header and test_whitespace_leading_padded_header.
    [InlineData("\u0006\0\0\0\0\0\0\0{}\r \t\n")]
    [InlineData("\u0006\0\0\0\0\0\0\0\t\n{}\r ")]
    public void Headers_padded_with_JSON_whitespace_are_read(string rust)
    {
        Assert.Empty(SafeTensorsFile.Read(B(rust)).Tensors);
    }

    [Fact]
    public void A_zero_sized_tensor_is_read()
    {
        // test_zero_sized_tensor.
        SafeTensorsFile file = SafeTensorsFile.Read(B("<\0\0\0\0\0\0\0{\"test\":{\"dtype\":\"I32\",\"shape\":[2,0],\"data_offsets\":[0, 0]}}"));

        SafeTensorsEntry test = Assert.Single(file.Tensors);
        Assert.Equal([2, 0], test.Shape.ToArray());
        Assert.Equal("I32", test.Dtype);
        Assert.True(file.GetRawData("test").IsEmpty);
    }

    [Fact]
    public void The_reference_documentation_example_is_read()
    {
        // The doc comment of SafeTensors::read_metadata: a 2x2 I32 tensor of zeros.
        SafeTensorsFile file = SafeTensorsFile.Read(B("<\0\0\0\0\0\0\0{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}" + Zeros16));

        Assert.Equal("[2, 2]", file.GetTensor("test").ShapeText);
        Assert.Equal(16, file.GetRawData("test").Length);
    }
}
