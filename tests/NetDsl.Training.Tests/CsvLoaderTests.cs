using System;
using System.Globalization;
using System.IO;
using System.Text;
using Xunit;

namespace NetDsl.Training.Tests;

public class CsvLoaderTests
{
    [Fact]
    public void Loads_features_and_the_last_column_as_class_index()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("plain.csv", "1,2,0\n3.5,-4e-1,2\n\n5,6,1\n");
        CleanedDataset result = CsvLoader.Load(path);
        Dataset data = result.Data;
        Assert.Equal(3, data.Count);
        Assert.Equal(2, data.FeatureCount);
        Assert.Equal(3, data.ClassCount);
        Assert.Equal([1f, 2f, 3.5f, -0.4f, 5f, 6f], data.Features.ToArray());
        Assert.Equal([0f, 2f, 1f], data.Targets.ToArray());
        Assert.Equal(3, result.Report.RowsRead);
        Assert.Equal(0, result.Report.RowsDropped);
    }

    [Fact]
    public void Reads_a_header_a_named_target_column_quotes_and_another_delimiter()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("header.csv", "price;\"size; m2\";rooms\n100.5;\"40\";2\n\"250\";80.25;4\n");
        Dataset data = CsvLoader.Load(path, new CsvOptions { HasHeader = true, TargetColumnName = "price", Delimiter = ';', Target = TargetKind.Value }).Data;
        Assert.Equal(["size; m2", "rooms"], data.FeatureNames);
        Assert.Null(data.ClassCount);
        Assert.Equal([40f, 2f, 80.25f, 4f], data.Features.ToArray());
        Assert.Equal([100.5f, 250f], data.Targets.ToArray());
    }

    [Fact]
    public void Reads_gzip_transparently_whatever_the_file_name()
    {
        using var folder = new TempDirectory();
        string path = folder.WriteGzip("compressed.data", Encoding.UTF8.GetBytes("0.5,1\n0.25,0\n"));
        Dataset data = CsvLoader.Load(path, new CsvOptions { Target = TargetKind.Binary }).Data;
        Assert.Equal([0.5f, 0.25f], data.Features.ToArray());
        Assert.Equal(2, data.ClassCount);
    }

    [Fact]
    public void Parses_numbers_with_the_invariant_culture_whatever_the_current_one()
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            var commaCulture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            commaCulture.NumberFormat.NumberDecimalSeparator = ",";
            commaCulture.NumberFormat.NumberGroupSeparator = ".";
            CultureInfo.CurrentCulture = commaCulture;
            using var folder = new TempDirectory();
            string path = folder.Write("culture.csv", "1.5,2.25,0\n");
            Assert.Equal([1.5f, 2.25f], CsvLoader.Load(path).Data.Features.ToArray());
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Skips_leading_lines_such_as_scikit_learns_count_line()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("iris-like.csv", "2,4,setosa,versicolor,virginica\n5.1,3.5,1.4,0.2,0\n7.0,3.2,4.7,1.4,1\n");
        Dataset data = CsvLoader.Load(path, new CsvOptions { SkipLines = 1 }).Data;
        Assert.Equal(2, data.Count);
        Assert.Equal(4, data.FeatureCount);
    }

    [Fact]
    public void A_ragged_row_names_the_file_the_line_and_both_counts()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("ragged.csv", "1,2,0\n3,4,1\n5,1\n");
        var error = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path));
        Assert.Equal(path + ", line 3: Expected 3 fields, as the first data row (line 1) has, but found 2.", error.Message);
        Assert.Equal(3, error.Line);
        Assert.Equal(path, error.FilePath);
        Assert.IsAssignableFrom<FormatException>(error);
    }

    [Fact]
    public void A_non_numeric_cell_names_its_line_and_column()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("text.csv", "1,2,0\n3,four,1\n");
        var error = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path));
        Assert.Equal(path + ", line 2, column 2: Expected a number (invariant culture, '.' as decimal separator), but found 'four'.", error.Message);
        Assert.Equal(2, error.Column);
    }

    [Fact]
    public void A_decimal_comma_is_not_a_number()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("comma.csv", "\"1,5\",0\n");
        var error = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path));
        Assert.Contains("line 1, column 1", error.Message);
        Assert.Contains("found '1,5'", error.Message);
    }

    [Theory]
    [InlineData("1,2.5\n", "line 1, column 2: Expected a class index, a whole number 0 or more, but found '2.5'.")]
    [InlineData("1,-1\n", "line 1, column 2: Expected a class index, a whole number 0 or more, but found '-1'.")]
    [InlineData("1,\"2\n", "line 1, column 2: Expected a closing quote")]
    [InlineData("1,\"2\"x\n", "line 1, column 2: Expected ',' or the end of the line after a closing quote, but found 'x'.")]
    [InlineData("5\n", "line 1: Expected at least 2 fields")]
    [InlineData("", "Expected CSV rows, but the file has no data")]
    [InlineData("\n  \n", "Expected CSV rows, but the file has no data")]
    public void Malformed_files_say_where_and_what(string content, string expected)
    {
        using var folder = new TempDirectory();
        string path = folder.Write("bad.csv", content);
        var error = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path));
        Assert.Contains(expected, error.Message);
        Assert.StartsWith(path, error.Message);
    }

    [Fact]
    public void Class_indices_beyond_the_declared_class_count_are_rejected()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("classes.csv", "1,0\n2,3\n");
        var error = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path, new CsvOptions { ClassCount = 3 }));
        Assert.Contains("line 2, column 2: Expected a class index, a whole number 0 to 2, but found '3'.", error.Message);
    }

    [Fact]
    public void Option_errors_are_argument_errors()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("a.csv", "1,0\n");
        Assert.Throws<ArgumentException>(() => CsvLoader.Load(path, new CsvOptions { TargetColumnName = "y" }));
        var column = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path, new CsvOptions { TargetColumn = 5 }));
        Assert.Contains("Expected the target column 5 to exist, but rows have 2 columns", column.Message);
        string header = folder.Write("h.csv", "a,b\n1,0\n");
        var name = Assert.Throws<DataFormatException>(() => CsvLoader.Load(header, new CsvOptions { HasHeader = true, TargetColumnName = "y" }));
        Assert.Contains("Expected a column named 'y' in the header, but its columns are: a, b.", name.Message);
        Assert.Throws<FileNotFoundException>(() => CsvLoader.Load(Path.Combine(folder.Path, "missing.csv")));
    }

    private const string WithGaps = "1,2,0\n,4,1\nNaN,6,0\n7,inf,1\n9,10,\n11,NA,1\n13,14,0\n";

    [Fact]
    public void Missing_and_infinite_values_are_dropped_by_default_and_counted()
    {
        using var folder = new TempDirectory();
        CleanedDataset result = CsvLoader.Load(folder.Write("gaps.csv", WithGaps));
        Assert.Equal([1f, 2f, 13f, 14f], result.Data.Features.ToArray());
        CleaningReport report = result.Report;
        Assert.Equal((7, 5, 1, 3, 1, 2), (report.RowsRead, report.RowsDropped, report.RowsDroppedForTarget, report.MissingValues, report.InfiniteValues, report.RowsKept));
        Assert.Equal(0, report.ImputedValues);
        Assert.Contains("7 rows read, 2 kept, 5 dropped", report.ToString());
    }

    [Theory]
    [InlineData(MissingValuePolicy.ImputeMean, new[] { 1f, 2f, 8f, 4f, 8f, 6f, 7f, 6.5f, 11f, 6.5f, 13f, 14f })]
    [InlineData(MissingValuePolicy.ImputeMedian, new[] { 1f, 2f, 9f, 4f, 9f, 6f, 7f, 5f, 11f, 5f, 13f, 14f })]
    [InlineData(MissingValuePolicy.ImputeConstant, new[] { 1f, 2f, -1f, 4f, -1f, 6f, 7f, -1f, 11f, -1f, 13f, 14f })]
    public void Imputation_fills_each_column_and_counts(MissingValuePolicy policy, float[] expected)
    {
        using var folder = new TempDirectory();
        CleanedDataset result = CsvLoader.Load(folder.Write("gaps.csv", WithGaps), new CsvOptions { MissingValues = policy, ImputationValue = -1f });
        Assert.Equal(expected, result.Data.Features.ToArray());
        Assert.Equal(4, result.Report.ImputedValues);
        Assert.Equal(1, result.Report.RowsDropped); // the row without a target
    }

    [Fact]
    public void The_fail_policy_names_the_first_missing_cell()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("gaps.csv", WithGaps);
        var error = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path, new CsvOptions { MissingValues = MissingValuePolicy.Fail }));
        Assert.Equal(path + ", line 2, column 1: Expected a finite number, but the cell is missing (policy Fail).", error.Message);
    }
}
