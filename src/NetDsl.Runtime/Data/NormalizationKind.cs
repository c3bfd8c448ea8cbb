namespace NetDsl;

/// <summary>The statistics a <see cref="Normalizer"/> is fitted with.</summary>
public enum NormalizationKind
{
    /// <summary>Min-max scaling to a range, as scikit-learn's <c>MinMaxScaler</c>.</summary>
    MinMax,

    /// <summary>Standardization to mean 0 and standard deviation 1 (z-score), as scikit-learn's <c>StandardScaler</c>.</summary>
    ZScore,

    /// <summary>A transform given directly by its shift and scale (<see cref="Normalizer.FromStatistics"/>), for example loaded with a model.</summary>
    Custom,
}
