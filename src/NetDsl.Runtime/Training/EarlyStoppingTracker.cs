namespace NetDsl;

/// <summary>The state of <see cref="EarlyStopping"/> during one <see cref="Trainer{TNetwork}.Fit"/>: the best epoch and value, and the epochs since.</summary>
internal sealed class EarlyStoppingTracker
{
    private readonly EarlyStopping _settings;
    private readonly bool _higherIsBetter;
    private double _bestValue;
    private int _epochsWithoutImprovement;

    public EarlyStoppingTracker(EarlyStopping settings)
    {
        _settings = settings;
        _higherIsBetter = MetricFacts.Mode(settings.Monitor) == MetricMode.Max;
    }

    /// <summary>The best epoch so far (from 1), or null before the first.</summary>
    public int? BestEpoch { get; private set; }

    /// <summary>Records an epoch's metrics; returns whether it is the new best (Keras's rule: better than the best by more than MinDelta).</summary>
    public bool Record(EpochMetrics metrics)
    {
        double value = metrics.GetValue(_settings.Monitor)!.Value;
        bool improved = BestEpoch is null
            || (_higherIsBetter ? value > _bestValue + _settings.MinDelta : value < _bestValue - _settings.MinDelta);
        if (improved)
        {
            BestEpoch = metrics.Epoch;
            _bestValue = value;
            _epochsWithoutImprovement = 0;
        }
        else
        {
            _epochsWithoutImprovement++;
        }

        return improved;
    }

    /// <summary>Whether <see cref="EarlyStopping.Patience"/> epochs have passed without improvement.</summary>
    public bool ShouldStop => _epochsWithoutImprovement >= _settings.Patience;
}
