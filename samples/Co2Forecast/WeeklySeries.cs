using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Co2Forecast;

/// <summary>A run of consecutive missing weeks that cleaning filled: the first missing week and how many there were.</summary>
public readonly record struct Gap(DateOnly First, int Weeks);

/// <summary>What cleaning found and did: how many weeks were read, how many had no value, and the runs they formed.</summary>
public sealed record CleaningSummary(int Weeks, int Missing, IReadOnlyList<Gap> Gaps)
{
    /// <summary>The longest run of missing weeks (0 when none was missing).</summary>
    public int LongestGap
    {
        get
        {
            int longest = 0;
            foreach (Gap gap in Gaps)
            {
                longest = Math.Max(longest, gap.Weeks);
            }

            return longest;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Weeks} weeks read, {Missing} without a value in {Gaps.Count} gaps (the longest {LongestGap} weeks), each filled by linear interpolation between the observed weeks on either side of its gap");
}

/// <summary>
/// A weekly series: one value per week, the weeks consecutive (exactly 7 days apart) and in order, with no missing value
/// once <see cref="Clean"/> has filled the gaps. <see cref="Filled"/> says which values were filled rather than observed.
/// </summary>
public sealed class WeeklySeries
{
    private readonly DateOnly[] _dates;
    private readonly double[] _values;
    private readonly bool[] _filled;

    private WeeklySeries(DateOnly[] dates, double[] values, bool[] filled)
    {
        _dates = dates;
        _values = values;
        _filled = filled;
    }

    /// <summary>The number of weeks.</summary>
    public int Count => _values.Length;

    /// <summary>The date of every week (the week's last day, as the file gives it).</summary>
    public ReadOnlySpan<DateOnly> Dates => _dates;

    /// <summary>The value of every week, in ppm; NaN where the week is missing and the series is not yet cleaned.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>Which weeks had no value in the file (and were filled, once cleaned).</summary>
    public ReadOnlySpan<bool> Filled => _filled;

    /// <summary>
    /// Reads a <c>date,co2</c> file: a header line, then one week per line, the date as <c>yyyyMMdd</c> and the value in
    /// invariant culture, or an empty field for a missing week. The weeks must follow each other exactly 7 days apart.
    /// </summary>
    /// <exception cref="FormatException">A line is malformed, or two dates are not one week apart; the message names the line.</exception>
    public static WeeklySeries Load(string path)
    {
        var dates = new List<DateOnly>();
        var values = new List<double>();
        using var reader = new StreamReader(path);
        string name = Path.GetFileName(path);
        string? header = reader.ReadLine();
        if (header?.Trim() != "date,co2")
        {
            throw new FormatException($"{name}, line 1: Expected the header 'date,co2', but found '{header}'.");
        }

        int lineNumber = 1;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            string[] fields = line.Split(',');
            if (fields.Length != 2)
            {
                throw new FormatException($"{name}, line {lineNumber}: Expected 2 fields (date,co2), but found {fields.Length}.");
            }

            if (!DateOnly.TryParseExact(fields[0], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
            {
                throw new FormatException($"{name}, line {lineNumber}: Expected a date as yyyyMMdd, but found '{fields[0]}'.");
            }

            double value = double.NaN;
            if (fields[1].Length > 0 && !double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                throw new FormatException($"{name}, line {lineNumber}: Expected a CO2 value in ppm or an empty field, but found '{fields[1]}'.");
            }

            if (dates.Count > 0 && date.DayNumber - dates[^1].DayNumber != 7)
            {
                throw new FormatException($"{name}, line {lineNumber}: Expected the week after {dates[^1]:yyyy-MM-dd} ({dates[^1].AddDays(7):yyyy-MM-dd}), but found {date:yyyy-MM-dd}: the weeks must be consecutive and in order.");
            }

            dates.Add(date);
            values.Add(value);
        }

        return FromValues([.. dates], [.. values]);
    }

    /// <summary>A series of the given weeks and values (NaN for a missing week); the dates must be 7 days apart.</summary>
    public static WeeklySeries FromValues(DateOnly[] dates, double[] values)
    {
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(values);
        if (dates.Length != values.Length)
        {
            throw new ArgumentException($"Expected one value per date, but got {dates.Length} dates and {values.Length} values.", nameof(values));
        }

        for (int i = 1; i < dates.Length; i++)
        {
            if (dates[i].DayNumber - dates[i - 1].DayNumber != 7)
            {
                throw new ArgumentException($"Expected weekly dates, but {dates[i]:yyyy-MM-dd} (index {i}) follows {dates[i - 1]:yyyy-MM-dd}.", nameof(dates));
            }
        }

        var filled = new bool[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            filled[i] = double.IsNaN(values[i]);
        }

        return new WeeklySeries((DateOnly[])dates.Clone(), (double[])values.Clone(), filled);
    }

    /// <summary>
    /// Fills every missing week by linear interpolation between the nearest observed weeks before and after its gap:
    /// week <c>k</c> of a gap between observed weeks <c>a</c> and <c>b</c> gets <c>v[a] + (v[b] − v[a]) (k − a) / (b − a)</c>.
    /// For a series that changes smoothly from week to week this is the least surprising guess and never leaves the range
    /// of its two neighbours; it does flatten the seasonal cycle inside a long gap (the longest here is 18 weeks, in 1964),
    /// which is why the pipeline never uses a filled week as a target to learn from or to score against.
    /// </summary>
    /// <exception cref="InvalidOperationException">The first or the last week is missing (there is nothing to interpolate from).</exception>
    public (WeeklySeries Cleaned, CleaningSummary Summary) Clean()
    {
        if (_values.Length == 0)
        {
            throw new InvalidOperationException("Expected at least one week, but the series is empty.");
        }

        if (double.IsNaN(_values[0]) || double.IsNaN(_values[^1]))
        {
            throw new InvalidOperationException($"Expected observed first and last weeks to interpolate between, but {(double.IsNaN(_values[0]) ? _dates[0] : _dates[^1]):yyyy-MM-dd} is missing.");
        }

        double[] values = (double[])_values.Clone();
        var gaps = new List<Gap>();
        int missing = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (!double.IsNaN(values[i]))
            {
                continue;
            }

            int before = i - 1;
            int after = i;
            while (double.IsNaN(values[after]))
            {
                after++;
            }

            for (int k = i; k < after; k++)
            {
                values[k] = values[before] + ((values[after] - values[before]) * (k - before) / (after - before));
            }

            gaps.Add(new Gap(_dates[i], after - i));
            missing += after - i;
            i = after;
        }

        return (new WeeklySeries(_dates, values, _filled), new CleaningSummary(values.Length, missing, gaps));
    }

    /// <summary>The index of the first week on or after <paramref name="date"/> (<see cref="Count"/> if none is).</summary>
    public int IndexOf(DateOnly date)
    {
        int index = Array.BinarySearch(_dates, date);
        return index >= 0 ? index : ~index;
    }
}
