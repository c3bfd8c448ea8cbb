// Shared by baseline.cpp (plain loops) and eigen.cpp: the export format of NetDsl.Benchmarks (--export-native DIR),
// the equality check against NetDsl's values and the timer.
#pragma once
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using Vec = std::vector<float>;

// A file of blocks, each an int32 count followed by that many float32s.
static std::vector<Vec> load_blocks(const std::string& path) {
    FILE* f = fopen(path.c_str(), "rb");
    if (!f) { fprintf(stderr, "cannot open %s\n", path.c_str()); exit(1); }
    std::vector<Vec> blocks;
    int32_t n = 0;
    while (fread(&n, 4, 1, f) == 1) {
        Vec v(n);
        if (fread(v.data(), 4, n, f) != (size_t)n) { fprintf(stderr, "bad file %s\n", path.c_str()); exit(1); }
        blocks.push_back(std::move(v));
    }
    fclose(f);
    return blocks;
}

// Forward case: parameters, inputs, NetDsl's outputs.
struct Case { Vec p, x, expected; };

static Case load(const std::string& path) {
    auto b = load_blocks(path);
    if (b.size() != 3) { fprintf(stderr, "%s: expected 3 blocks\n", path.c_str()); exit(1); }
    return Case{b[0], b[1], b[2]};
}

// Training-step case: parameters, inputs, targets, learning rate, and NetDsl's loss, gradients and updated parameters
// after one step from those parameters.
struct TrainCase { Vec p, x, t; float lr; float loss; Vec grads, updated; };

static TrainCase load_train(const std::string& path) {
    auto b = load_blocks(path);
    if (b.size() != 7) { fprintf(stderr, "%s: expected 7 blocks\n", path.c_str()); exit(1); }
    return TrainCase{b[0], b[1], b[2], b[3][0], b[4][0], b[5], b[6]};
}

// max |a - e| / max |e|, as Check.RelativeError in the C# suite; infinite on a non-finite value or a length mismatch.
static double check(const float* a, const Vec& e) {
    double d = 0, m = 0;
    for (size_t i = 0; i < e.size(); i++) {
        if (!std::isfinite(a[i])) return INFINITY;
        d = std::max(d, (double)std::fabs(a[i] - e[i]));
        m = std::max(m, (double)std::fabs(e[i]));
    }
    return m == 0 ? d : d / m;
}

static double check(const Vec& a, const Vec& e) { return a.size() == e.size() ? check(a.data(), e) : INFINITY; }

// Median of 7 rounds of ~50 ms, in nanoseconds per call.
template <class F> static double median_ns(F&& f) {
    using clock = std::chrono::steady_clock;
    long reps = 1;
    for (;;) {  // calibrate to ~50 ms per round
        auto t0 = clock::now();
        for (long r = 0; r < reps; r++) f();
        double s = std::chrono::duration<double>(clock::now() - t0).count();
        if (s > 0.05) break;
        reps *= 2;
    }
    std::vector<double> rounds;
    for (int k = 0; k < 7; k++) {
        auto t0 = clock::now();
        for (long r = 0; r < reps; r++) f();
        rounds.push_back(std::chrono::duration<double, std::nano>(clock::now() - t0).count() / reps);
    }
    std::sort(rounds.begin(), rounds.end());
    return rounds[rounds.size() / 2];
}

static volatile float sink;

struct Reporter {
    int failures = 0;
    // Prints one line; `errors` are the relative errors of everything checked (outputs, or loss, gradients, parameters).
    void line(const char* name, std::initializer_list<double> errors, double ns) {
        double err = 0;
        for (double e : errors) err = std::max(err, e);
        bool ok = err <= 1e-4;
        failures += ok ? 0 : 1;
        if (ns < 10000) printf("%-26s %12.1f ns   rel.err %.2e %s\n", name, ns, err, ok ? "ok" : "MISMATCH");
        else printf("%-26s %12.2f us   rel.err %.2e %s\n", name, ns / 1000, err, ok ? "ok" : "MISMATCH");
        fflush(stdout);
    }
};
