using System;
using System.Linq;
using System.Text;
using Xunit;

namespace NetDsl.Serialization.Tests;

// Every way a file can break the safetensors format: each gives its own error kind and a message that says what was
// expected and what the file holds, through every entry point, and leaves the network untouched.
public class MalformedFileTests
{
    // A valid tensor description to put bad values beside.
    private const string Valid = "'dtype':'F32','shape':[1],'data_offsets':[0,4]";

    private static byte[] Header(string singleQuoted, params byte[][] data) => SafeTensorsBytes.File(SafeTensorsBytes.Q(singleQuoted), data);

    private static byte[] OneFloat => SafeTensorsBytes.F32(1);

    [Fact]
    public void Empty_or_short_files_are_truncated()
    {
        WeightFileException empty = LoadAssert.Fails([], WeightFileError.Truncated, null);
        Assert.Equal("The file is 0 bytes long, but a safetensors file starts with an 8-byte header length.", empty.Message);

        WeightFileException three = LoadAssert.Fails([8, 0, 0], WeightFileError.Truncated, null);
        Assert.Equal("The file is 3 bytes long, but a safetensors file starts with an 8-byte header length.", three.Message);
    }

    [Fact]
    public void Absurd_header_lengths_are_refused_before_reading_on()
    {
        WeightFileException huge = LoadAssert.Fails([.. SafeTensorsBytes.LengthPrefix(ulong.MaxValue), .. "{}"u8], WeightFileError.HeaderTooLarge, null);
        Assert.Equal(
            "The first 8 bytes give a header length of 18446744073709551615 bytes, more than the 100000000 bytes safetensors allows: "
            + "this is not a safetensors file, or it is damaged.",
            huge.Message);

        LoadAssert.Fails([.. SafeTensorsBytes.LengthPrefix(100_000_001), .. "{}"u8], WeightFileError.HeaderTooLarge, null);

        // The limit itself is allowed, so this one is merely truncated (and no 100 MB buffer is allocated for it).
        WeightFileException atLimit = LoadAssert.Fails([.. SafeTensorsBytes.LengthPrefix(100_000_000), .. "{}"u8], WeightFileError.Truncated, null);
        Assert.Equal("The header is 100000000 bytes long, but only 2 bytes follow the 8-byte header length: the file is truncated.", atLimit.Message);
    }

    [Fact]
    public void Files_cut_inside_the_data_are_truncated_and_name_the_tensor()
    {
        byte[] file = SafeTensorsBytes.File(SafeTensorsBytes.Q("{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},'b':{'dtype':'F32','shape':[2],'data_offsets':[4,12]}}"), SafeTensorsBytes.F32(1, 2, 3));
        byte[] cut = file[..^3];

        WeightFileException error = LoadAssert.Fails(cut, WeightFileError.Truncated, "b");

        Assert.Equal("The header describes 12 bytes of tensor data, but only 9 bytes follow the header: the file is truncated inside tensor 'b'.", error.Message);
    }

    [Fact]
    public void Bytes_after_the_last_tensor_are_refused()
    {
        WeightFileException one = LoadAssert.Fails([.. GoldenReadTests.OneTensorFile, 0], WeightFileError.TrailingBytes, null);
        Assert.Equal(
            "The file has 1 byte after the end of the last tensor's data (byte 8 of the data buffer); safetensors requires the tensors to cover the data buffer exactly.",
            one.Message);

        // A polyglot: an empty safetensors file with something else appended.
        WeightFileException polyglot = LoadAssert.Fails([.. GoldenReadTests.EmptyFile, .. "<html>"u8], WeightFileError.TrailingBytes, null);
        Assert.StartsWith("The file has 6 bytes after the end of the last tensor's data (byte 0 of the data buffer)", polyglot.Message);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'{', 0xFF, (byte)'}' }, 1, "0xFF 0x7D")]         // never valid
    [InlineData(new byte[] { (byte)'{', 0xC0, 0xAF, (byte)'}' }, 1, "0xC0 0xAF 0x7D")] // overlong '/'
    [InlineData(new byte[] { (byte)'{', 0xED, 0xA0, 0x80, (byte)'}' }, 1, "0xED 0xA0 0x80 0x7D")] // a surrogate
    [InlineData(new byte[] { (byte)'{', (byte)'}', 0xE2, 0x82 }, 2, "0xE2 0x82")]      // cut short
    [InlineData(new byte[] { (byte)'{', 0xF4, 0x90, 0x80, 0x80, (byte)'}' }, 1, "0xF4 0x90 0x80 0x80")] // above U+10FFFF
    public void Headers_that_are_not_UTF8_are_refused(byte[] header, int offset, string bytes)
    {
        WeightFileException error = LoadAssert.Fails(SafeTensorsBytes.Raw(header), WeightFileError.InvalidUtf8, null);

        Assert.Equal($"The header is not valid UTF-8: the bytes at offset {offset} of the header ({bytes}) do not form a UTF-8 character.", error.Message);
    }

    [Theory]
    [InlineData("{", "expected a property name (a string), but found the end of the header (at character 8 of the header)")]
    [InlineData("{'t':{" + Valid + "},}", "expected a property name (a string), but found '}'")]
    [InlineData("{'t' {" + Valid + "}}", "expected ':' after the property name \"t\", but found '{'")]
    [InlineData("{'t':{" + Valid + "} 'u':1}", "expected ',' or '}' after a property, but found '\"'")]
    [InlineData("{'t':{" + Valid + ",'x':01}}", "a number must not have leading zeros")]
    [InlineData("{'t':{" + Valid + ",'x':-}}", "a number needs a digit, but found '}'")]
    [InlineData("{'t':{" + Valid + ",'x':1.}}", "a digit must follow the decimal point, but found '}'")]
    [InlineData("{'t':{" + Valid + ",'x':1e}}", "an exponent needs a digit, but found '}'")]
    [InlineData("{'t':{" + Valid + ",'x':+1}}", "expected a value, but found '+'")]
    [InlineData("{'t':{" + Valid + ",'x':NaN}}", "expected a value, but found 'N'")]
    [InlineData("{'t':{" + Valid + ",'x':tru}}", "expected 'true'")]
    [InlineData("{'t':{" + Valid + ",'x':[1 2]}}", "expected ',' or ']' after an array element, but found '2'")]
    [InlineData("{'t':{" + Valid + ",'x':[1,]}}", "expected a value, but found ']'")]
    [InlineData("{'t':{" + Valid + ",'x':'a\\qb'}}", "invalid escape '\\q' in a string")]
    [InlineData("{'t':{" + Valid + ",'x':'\\u12G4'}}", "a \\u escape needs four hexadecimal digits, but found 'G'")]
    [InlineData("{'t':{" + Valid + ",'x':'\\ud800'}}", "the escape \\uD800 is a high surrogate not followed by a \\u escape of a low surrogate")]
    [InlineData("{'t':{" + Valid + ",'x':'\\ud800\\u0041'}}", "the escape \\uD800 is a high surrogate not followed by a low surrogate")]
    [InlineData("{'t':{" + Valid + ",'x':'\\udc00'}}", "the escape \\uDC00 is a low surrogate without a high surrogate before it")]
    [InlineData("{'t':{" + Valid + ",'x':'a\nb'}}", "the control character U+000A must be escaped inside a string")]
    [InlineData("{'t':{" + Valid + ",'x':'abc", "a string is not closed before the header ends")]
    [InlineData("{'t':{" + Valid + "}}x", "unexpected 'x' after the end of the header's object")]
    [InlineData("{'t':{" + Valid + "}}{}", "unexpected '{' after the end of the header's object")]
    [InlineData("/*c*/{'t':{" + Valid + "}}", "expected a value, but found '/'")]
    [InlineData("\uFEFF{'t':{" + Valid + "}}", "expected a value, but found U+FEFF")]
    [InlineData("", "expected a value, but the header ends")]
    public void Headers_that_are_not_JSON_are_refused(string header, string problem)
    {
        WeightFileException error = LoadAssert.Fails(Header(header, OneFloat), WeightFileError.InvalidJson, null);

        Assert.StartsWith("The header is not valid JSON: " + problem, error.Message);
    }

    [Fact]
    public void Deeply_nested_JSON_is_refused_before_it_can_exhaust_the_stack()
    {
        string deep = new string('[', 200) + new string(']', 200);
        byte[] file = Header("{'t':{" + Valid + ",'x':" + deep + "}}", OneFloat);

        WeightFileException error = LoadAssert.Fails(file, WeightFileError.InvalidJson, null);

        Assert.StartsWith("The header is not valid JSON: objects and arrays are nested more than 128 deep", error.Message);

        // 128 levels in all (the header's object, the tensor's object and 126 arrays) are fine.
        string allowed = new string('[', 126) + new string(']', 126);
        Assert.Single(SafeTensorsFile.Read(Header("{'t':{" + Valid + ",'x':" + allowed + "}}", OneFloat)).Tensors);
    }

    [Theory]
    [InlineData("[]", null, "The header must be a JSON object that maps tensor names to their descriptions, but it is an array.")]
    [InlineData("'fc1'", null, "The header must be a JSON object that maps tensor names to their descriptions, but it is a string.")]
    [InlineData("{'t':[1]}", "t", "Tensor 't' must be described by an object with \"dtype\", \"shape\" and \"data_offsets\", but it is an array.")]
    [InlineData("{'t':null}", "t", "Tensor 't' must be described by an object with \"dtype\", \"shape\" and \"data_offsets\", but it is null.")]
    [InlineData("{'t':{'shape':[1],'data_offsets':[0,4]}}", "t", "Tensor 't' has no \"dtype\" field; every tensor needs \"dtype\", \"shape\" and \"data_offsets\".")]
    [InlineData("{'t':{'dtype':'F32','data_offsets':[0,4]}}", "t", "Tensor 't' has no \"shape\" field; every tensor needs \"dtype\", \"shape\" and \"data_offsets\".")]
    [InlineData("{'t':{'dtype':'F32','shape':[1]}}", "t", "Tensor 't' has no \"data_offsets\" field; every tensor needs \"dtype\", \"shape\" and \"data_offsets\".")]
    [InlineData("{'t':{'dtype':32,'shape':[1],'data_offsets':[0,4]}}", "t", "Tensor 't' has a \"dtype\" that is a number; it must be a string such as \"F32\".")]
    [InlineData("{'t':{'dtype':'F32','shape':'1','data_offsets':[0,4]}}", "t", "Tensor 't' has a \"shape\" that is a string; it must be an array of non-negative integers.")]
    [InlineData("{'t':{'dtype':'F32','shape':[-1],'data_offsets':[0,4]}}", "t", "Tensor 't' has -1 in its \"shape\"; it must hold non-negative integers (no sign, fraction or exponent).")]
    [InlineData("{'t':{'dtype':'F32','shape':[1.0],'data_offsets':[0,4]}}", "t", "Tensor 't' has 1.0 in its \"shape\"; it must hold non-negative integers (no sign, fraction or exponent).")]
    [InlineData("{'t':{'dtype':'F32','shape':[1e0],'data_offsets':[0,4]}}", "t", "Tensor 't' has 1e0 in its \"shape\"; it must hold non-negative integers (no sign, fraction or exponent).")]
    [InlineData("{'t':{'dtype':'F32','shape':[true],'data_offsets':[0,4]}}", "t", "Tensor 't' has a boolean in its \"shape\"; it must hold non-negative integers.")]
    [InlineData("{'t':{'dtype':'F32','shape':[1],'data_offsets':[0,18446744073709551616]}}", "t", "Tensor 't' has 18446744073709551616 in its \"data_offsets\"; it must hold non-negative integers below 2^64.")]
    [InlineData("{'t':{'dtype':'F32','shape':[1],'data_offsets':[4]}}", "t", "Tensor 't' has 1 numbers in \"data_offsets\"; it needs exactly two, [begin, end].")]
    [InlineData("{'t':{'dtype':'F32','shape':[1],'data_offsets':[0,4,8]}}", "t", "Tensor 't' has 3 numbers in \"data_offsets\"; it needs exactly two, [begin, end].")]
    [InlineData("{'__metadata__':['pt']}", null, "The \"__metadata__\" entry must be an object whose values are strings, but it is an array.")]
    [InlineData("{'__metadata__':{'epochs':10}}", null, "The metadata value of 'epochs' must be a string, but it is a number; safetensors metadata maps strings to strings.")]
    public void JSON_that_is_not_a_safetensors_header_is_refused(string header, string? tensor, string message)
    {
        WeightFileException error = LoadAssert.Fails(Header(header), WeightFileError.InvalidHeader, tensor);

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("{'t':{" + Valid + "},'t':{" + Valid + "}}", "t", "The header describes tensor 't' twice; safetensors forbids duplicate names.")]
    [InlineData("{'__metadata__':{},'__metadata__':{}}", null, "The header has two \"__metadata__\" entries.")]
    [InlineData("{'__metadata__':{'k':'a','k':'b'}}", null, "The metadata has the key 'k' twice.")]
    [InlineData("{'t':{" + Valid + ",'dtype':'F32'}}", "t", "Tensor 't' has the field \"dtype\" twice.")]
    public void Duplicate_names_are_refused(string header, string? tensor, string message)
    {
        WeightFileException error = LoadAssert.Fails(Header(header, OneFloat), WeightFileError.DuplicateName, tensor);

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Unknown_dtypes_are_refused_with_the_list_of_dtypes()
    {
        WeightFileException error = LoadAssert.Fails(Header("{'t':{'dtype':'f32','shape':[1],'data_offsets':[0,4]}}", OneFloat), WeightFileError.UnknownDtype, "t");

        Assert.Equal(
            "Tensor 't' has dtype \"f32\", which is not a safetensors dtype (those are BOOL, F4, F6_E2M3, F6_E3M2, U8, I8, F8_E5M2, F8_E4M3, F8_E8M0, "
            + "F8_E4M3FNUZ, F8_E5M2FNUZ, I16, U16, F16, BF16, I32, U32, F32, C64, F64, I64, U64).",
            error.Message);
    }

    [Theory]
    [InlineData("{'t':{'dtype':'F32','shape':[2,3],'data_offsets':[0,20]}}", 20, "Tensor 't' has dtype F32 and shape [2, 3], which take 24 bytes, but its data_offsets [0, 20] hold 20 bytes.")]
    [InlineData("{'t':{'dtype':'F16','shape':[3],'data_offsets':[0,8]}}", 8, "Tensor 't' has dtype F16 and shape [3], which take 6 bytes, but its data_offsets [0, 8] hold 8 bytes.")]
    [InlineData("{'t':{'dtype':'F32','shape':[],'data_offsets':[0,1]}}", 1, "Tensor 't' has dtype F32 and shape [], which take 4 bytes, but its data_offsets [0, 1] hold 1 byte.")]
    [InlineData("{'t':{'dtype':'I32','shape':[2,18446744073709551614],'data_offsets':[0,16]}}", 16, "Tensor 't' has shape [2, 18446744073709551614], whose size in bytes overflows a 64-bit integer.")]
    [InlineData("{'t':{'dtype':'I32','shape':[2,9223372036854775807],'data_offsets':[0,16]}}", 16, "Tensor 't' has shape [2, 9223372036854775807], whose size in bytes overflows a 64-bit integer.")]
    [InlineData("{'t':{'dtype':'F4','shape':[3],'data_offsets':[0,2]}}", 2, "Tensor 't' has dtype F4 and shape [3], which take 12 bits: not a whole number of bytes.")]
    public void Byte_ranges_that_do_not_fit_shape_and_dtype_are_refused(string header, int dataLength, string message)
    {
        WeightFileException error = LoadAssert.Fails(Header(header, new byte[dataLength]), WeightFileError.SizeMismatch, "t");

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("{'t':{'dtype':'F32','shape':[1],'data_offsets':[8,4]}}", 8, "t", "Tensor 't' has data_offsets [8, 4]: its end comes before its beginning.")]
    [InlineData("{'t':{'dtype':'F32','shape':[1],'data_offsets':[4,8]}}", 8, "t", "The first 4 bytes of the data buffer belong to no tensor: the first tensor, 't', starts at byte 4 (data_offsets [4, 8]). safetensors forbids holes in the data.")]
    [InlineData("{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},'b':{'dtype':'F32','shape':[1],'data_offsets':[8,12]}}", 12, "b", "Bytes 4 to 8 of the data buffer belong to no tensor: 'a' ends at byte 4 and 'b' starts at byte 8. safetensors forbids holes in the data.")]
    [InlineData("{'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},'b':{'dtype':'F32','shape':[1],'data_offsets':[4,8]}}", 8, "b", "Tensor 'b' (data_offsets [4, 8]) overlaps tensor 'a' (data_offsets [0, 8]).")]
    [InlineData("{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},'b':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}", 4, "b", "Tensor 'b' (data_offsets [0, 4]) overlaps tensor 'a' (data_offsets [0, 4]).")]
    public void Byte_ranges_with_holes_or_overlaps_are_refused(string header, int dataLength, string tensor, string message)
    {
        WeightFileException error = LoadAssert.Fails(Header(header, new byte[dataLength]), WeightFileError.InvalidOffsets, tensor);

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Files_beyond_NetDsl_limits_are_refused_without_allocating_them()
    {
        WeightFileException dimension = LoadAssert.Fails(Header("{'t':{'dtype':'F32','shape':[0,3000000000],'data_offsets':[0,0]}}"), WeightFileError.TooLarge, "t");
        Assert.Equal("Tensor 't' has shape [0, 3000000000]; NetDsl reads dimensions up to 2147483647.", dimension.Message);

        WeightFileException data = LoadAssert.Fails(Header("{'t':{'dtype':'F32','shape':[600000000],'data_offsets':[0,2400000000]}}"), WeightFileError.TooLarge, "t");
        Assert.Equal("Tensor 't' ends at byte 2400000000 of the data buffer; NetDsl reads files whose data fits in 2147483647 bytes.", data.Message);
    }

    [Fact]
    public void Endless_trailing_data_in_a_stream_is_refused_without_reading_it_all()
    {
        byte[] file = [.. GoldenReadTests.OneTensorFile, .. new byte[3 << 20]];

        WeightFileException error = Assert.Throws<WeightFileException>(() => new SeedNet(1).LoadWeights(new ChunkedStream(file, chunk: 1 << 16)));

        Assert.Equal(WeightFileError.TrailingBytes, error.Error);
        Assert.StartsWith("The stream has more than 1048576 bytes after the end of the last tensor's data (byte 8 of the data buffer)", error.Message);
    }

    [Fact]
    public void The_low_level_reader_reports_the_same_errors()
    {
        WeightFileException error = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Read(Header("{'t':{'dtype':'F32','shape':[2,3],'data_offsets':[0,20]}}", new byte[20])));
        Assert.Equal(WeightFileError.SizeMismatch, error.Error);
        Assert.Equal("t", error.TensorName);
        Assert.IsAssignableFrom<FormatException>(error);

        WeightFileException streamed = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Read(new ChunkedStream([.. GoldenReadTests.OneTensorFile, 1, 2])));
        Assert.Equal(WeightFileError.TrailingBytes, streamed.Error);
        Assert.Contains("2 bytes after", streamed.Message);
    }

    [Fact]
    public void Every_error_kind_has_a_test_that_provokes_it()
    {
        // A guard: when an error kind is added, add its test here or in MismatchTests / ConversionTests.
        Assert.Equal(18, Enum.GetValues<WeightFileError>().Length);
        Assert.Equal(1, (int)Enum.GetValues<WeightFileError>().Min());
    }
}
