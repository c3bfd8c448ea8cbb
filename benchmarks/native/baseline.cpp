// C++ baseline of issue 6: plain loops, compiled with -O3 -march=native -ffast-math by run.sh. Forward cases only:
// N1 batch 1, N2 batch 1 and 64, N3 batch 1, on the weights and inputs NetDsl.Benchmarks exports
// (dotnet run ... -- --export-native DIR); each result is first checked against NetDsl's outputs (relative 1e-4).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using Vec = std::vector<float>;

static Vec read_block(FILE* f) {
    int32_t n = 0;
    if (fread(&n, 4, 1, f) != 1) { fprintf(stderr, "bad file\n"); exit(1); }
    Vec v(n);
    if (fread(v.data(), 4, n, f) != (size_t)n) { fprintf(stderr, "bad file\n"); exit(1); }
    return v;
}

struct Case { Vec p, x, expected; };

static Case load(const std::string& path) {
    FILE* f = fopen(path.c_str(), "rb");
    if (!f) { fprintf(stderr, "cannot open %s\n", path.c_str()); exit(1); }
    Case c{read_block(f), read_block(f), read_block(f)};
    fclose(f);
    return c;
}

// y = W x + b over a batch, optional ReLU; W [out, in].
static void linear(const float* x, const float* w, const float* b, float* y, int batch, int in, int out, bool relu) {
    for (int n = 0; n < batch; n++)
        for (int o = 0; o < out; o++) {
            float s = b[o];
            for (int i = 0; i < in; i++) s += w[o * in + i] * x[n * in + i];
            y[n * out + o] = relu ? std::max(s, 0.0f) : s;
        }
}

static void conv_relu(const float* x, int cin, int h, const float* w, const float* b, int cout, float* y) {
    int oh = h - 2;
    for (int co = 0; co < cout; co++)
        for (int r = 0; r < oh; r++)
            for (int c = 0; c < oh; c++) {
                float s = b[co];
                for (int ci = 0; ci < cin; ci++)
                    for (int ky = 0; ky < 3; ky++)
                        for (int kx = 0; kx < 3; kx++)
                            s += w[((co * cin + ci) * 3 + ky) * 3 + kx] * x[(ci * h + r + ky) * h + c + kx];
                y[(co * oh + r) * oh + c] = std::max(s, 0.0f);
            }
}

static void pool2(const float* x, int ch, int h, float* y, int oh) {
    for (int c = 0; c < ch; c++)
        for (int r = 0; r < oh; r++)
            for (int q = 0; q < oh; q++) {
                const float* p = x + (c * h + 2 * r) * h + 2 * q;
                y[(c * oh + r) * oh + q] = std::max(std::max(p[0], p[1]), std::max(p[h], p[h + 1]));
            }
}

static double check(const Vec& a, const Vec& e) {
    double d = 0, m = 0;
    for (size_t i = 0; i < e.size(); i++) { d = std::max(d, (double)std::fabs(a[i] - e[i])); m = std::max(m, (double)std::fabs(e[i])); }
    return m == 0 ? d : d / m;
}

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

int main(int argc, char** argv) {
    std::string dir = argc > 1 ? argv[1] : ".";
    int failures = 0;
    auto report = [&](const char* name, const Vec& y, const Vec& e, double ns) {
        double err = check(y, e);
        bool ok = err <= 1e-4;
        failures += ok ? 0 : 1;
        printf("%-22s %12.1f ns   rel.err %.2e %s\n", name, ns, err, ok ? "ok" : "MISMATCH");
    };
    {
        Case c = load(dir + "/n1_b1.bin");
        Vec h(2), y(1);
        auto f = [&] { linear(c.x.data(), c.p.data(), c.p.data() + 6, h.data(), 1, 3, 2, true); linear(h.data(), c.p.data() + 8, c.p.data() + 10, y.data(), 1, 2, 1, false); sink = y[0]; };
        f();
        report("N1 forward, batch 1", y, c.expected, median_ns(f));
    }
    for (int batch : {1, 64}) {
        Case c = load(dir + "/n2_b" + std::to_string(batch) + ".bin");
        Vec h(batch * 128), y(batch * 10);
        const float* p = c.p.data();
        auto f = [&] { linear(c.x.data(), p, p + 100352, h.data(), batch, 784, 128, true); linear(h.data(), p + 100480, p + 101760, y.data(), batch, 128, 10, false); sink = y[0]; };
        f();
        report(batch == 1 ? "N2 forward, batch 1" : "N2 forward, batch 64", y, c.expected, median_ns(f));
    }
    {
        Case c = load(dir + "/n3_b1.bin");
        Vec a1(8 * 26 * 26), p1(8 * 13 * 13), a2(16 * 11 * 11), p2(400), y(10);
        const float* p = c.p.data();
        auto f = [&] {
            conv_relu(c.x.data(), 1, 28, p, p + 72, 8, a1.data());
            pool2(a1.data(), 8, 26, p1.data(), 13);
            conv_relu(p1.data(), 8, 13, p + 80, p + 1232, 16, a2.data());
            pool2(a2.data(), 16, 11, p2.data(), 5);
            linear(p2.data(), p + 1248, p + 5248, y.data(), 1, 400, 10, false);
            sink = y[0];
        };
        f();
        report("N3 forward, batch 1", y, c.expected, median_ns(f));
    }
    return failures == 0 ? 0 : 1;
}
