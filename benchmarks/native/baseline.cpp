// C++ baseline of issue 6: plain loops, compiled with -O3 -march=native -ffast-math by run.sh, on the weights and
// inputs NetDsl.Benchmarks exports (dotnet run ... -- --export-native DIR). Forward: N1 batch 1, N2 batch 1 and 64,
// N3 batch 1. Training steps (zero gradients, forward, loss, backward, SGD): N1 batch 1 with MSE, N2 and N3 batch 32 with
// softmax cross-entropy. Every result is first checked against NetDsl's (outputs; or loss, every gradient and the
// updated parameters of one step from the same parameters), relative 1e-4, and only then timed.
#include "common.h"

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

// ---- training steps ----

// Loss over a batch of B x OUT outputs and its gradient dy: MSE (mean over every output, targets are values) or
// softmax cross-entropy (mean over the batch, targets are class indices).
template <int B, int OUT> static float loss_and_gradient(const float* y, const float* t, float* dy, bool cross_entropy) {
    float loss = 0;
    if (!cross_entropy) {
        for (int i = 0; i < B * OUT; i++) {
            float d = y[i] - t[i];
            loss += d * d;
            dy[i] = 2 * d / (B * OUT);
        }
        return loss / (B * OUT);
    }
    for (int n = 0; n < B; n++) {
        const float* z = y + n * OUT;
        float m = z[0];
        for (int o = 1; o < OUT; o++) m = std::max(m, z[o]);
        float sum = 0;
        for (int o = 0; o < OUT; o++) sum += std::exp(z[o] - m);
        int target = (int)t[n];
        loss += std::log(sum) + m - z[target];
        for (int o = 0; o < OUT; o++) dy[n * OUT + o] = (std::exp(z[o] - m) / sum - (o == target ? 1.0f : 0.0f)) / B;
    }
    return loss / B;
}

// Linear(IN, HID) - ReLU - Linear(HID, OUT), batch B; parameters w1 [HID, IN], b1, w2 [OUT, HID], b2 (state_dict order).
template <int B, int IN, int HID, int OUT> struct MlpTrainer {
    static constexpr int W1 = 0, B1 = HID * IN, W2 = B1 + HID, B2 = W2 + OUT * HID, P = B2 + OUT;
    Vec p, g = Vec(P), h = Vec(B * HID), y = Vec(B * OUT), dy = Vec(B * OUT), dh = Vec(B * HID);

    float step(const float* x, const float* t, bool cross_entropy, float lr) {
        float* pp = p.data();
        float* gg = g.data();
        for (int i = 0; i < P; i++) gg[i] = 0;
        for (int n = 0; n < B; n++)
            for (int k = 0; k < HID; k++) {
                float s = pp[B1 + k];
                for (int i = 0; i < IN; i++) s += pp[W1 + k * IN + i] * x[n * IN + i];
                h[n * HID + k] = std::max(s, 0.0f);
            }
        for (int n = 0; n < B; n++)
            for (int o = 0; o < OUT; o++) {
                float s = pp[B2 + o];
                for (int k = 0; k < HID; k++) s += pp[W2 + o * HID + k] * h[n * HID + k];
                y[n * OUT + o] = s;
            }
        float loss = loss_and_gradient<B, OUT>(y.data(), t, dy.data(), cross_entropy);
        for (int n = 0; n < B; n++)
            for (int o = 0; o < OUT; o++) {
                float d = dy[n * OUT + o];
                gg[B2 + o] += d;
                for (int k = 0; k < HID; k++) gg[W2 + o * HID + k] += d * h[n * HID + k];
            }
        for (int n = 0; n < B; n++)
            for (int k = 0; k < HID; k++) {
                float s = 0;
                for (int o = 0; o < OUT; o++) s += pp[W2 + o * HID + k] * dy[n * OUT + o];
                dh[n * HID + k] = h[n * HID + k] > 0 ? s : 0;
            }
        for (int n = 0; n < B; n++)
            for (int k = 0; k < HID; k++) {
                float d = dh[n * HID + k];
                gg[B1 + k] += d;
                for (int i = 0; i < IN; i++) gg[W1 + k * IN + i] += d * x[n * IN + i];
            }
        for (int i = 0; i < P; i++) pp[i] -= lr * gg[i];
        return loss;
    }
};

// N3, batch B, NCHW: conv1 (1->8, 28->26) ReLU pool (13) conv2 (8->16, 13->11) ReLU pool (5, floor) flatten Linear(400, 10).
template <int B> struct CnnTrainer {
    static constexpr int C1W = 0, C1B = 72, C2W = 80, C2B = 1232, FW = 1248, FB = 5248, P = 5258;
    static constexpr int A1 = 8 * 26 * 26, P1 = 8 * 13 * 13, A2 = 16 * 11 * 11, P2 = 400;
    Vec p, g = Vec(P), a1 = Vec(B * A1), p1 = Vec(B * P1), a2 = Vec(B * A2), p2 = Vec(B * P2), y = Vec(B * 10),
           dy = Vec(B * 10), dp2 = Vec(P2), da2 = Vec(A2), dp1 = Vec(P1), da1 = Vec(A1);
    std::vector<int> i1 = std::vector<int>(B * P1), i2 = std::vector<int>(B * P2);

    // Max-pool 2x2 (floor) recording the index of the first maximum of each window.
    static void pool_argmax(const float* x, int ch, int h, int oh, float* y, int* arg) {
        for (int c = 0; c < ch; c++)
            for (int r = 0; r < oh; r++)
                for (int q = 0; q < oh; q++) {
                    int best = (c * h + 2 * r) * h + 2 * q;
                    for (int dr = 0; dr < 2; dr++)
                        for (int dq = 0; dq < 2; dq++) {
                            int i = (c * h + 2 * r + dr) * h + 2 * q + dq;
                            if (x[i] > x[best]) best = i;
                        }
                    y[(c * oh + r) * oh + q] = x[best];
                    arg[(c * oh + r) * oh + q] = best;
                }
    }

    // Weight, bias and (optionally) input gradients of a 3x3 valid convolution from the gradient d of its output.
    static void conv_backward(const float* x, int cin, int h, const float* w, int cout, const float* d, float* gw, float* gb, float* dx) {
        int oh = h - 2;
        for (int co = 0; co < cout; co++)
            for (int r = 0; r < oh; r++)
                for (int c = 0; c < oh; c++) {
                    float v = d[(co * oh + r) * oh + c];
                    gb[co] += v;
                    for (int ci = 0; ci < cin; ci++)
                        for (int ky = 0; ky < 3; ky++)
                            for (int kx = 0; kx < 3; kx++) {
                                int wi = ((co * cin + ci) * 3 + ky) * 3 + kx, xi = (ci * h + r + ky) * h + c + kx;
                                gw[wi] += v * x[xi];
                                if (dx) dx[xi] += w[wi] * v;
                            }
                }
    }

    float step(const float* x, const float* t, float lr) {
        float* pp = p.data();
        float* gg = g.data();
        for (int i = 0; i < P; i++) gg[i] = 0;
        for (int n = 0; n < B; n++) {
            conv_relu(x + n * 784, 1, 28, pp + C1W, pp + C1B, 8, &a1[n * A1]);
            pool_argmax(&a1[n * A1], 8, 26, 13, &p1[n * P1], &i1[n * P1]);
            conv_relu(&p1[n * P1], 8, 13, pp + C2W, pp + C2B, 16, &a2[n * A2]);
            pool_argmax(&a2[n * A2], 16, 11, 5, &p2[n * P2], &i2[n * P2]);
            linear(&p2[n * P2], pp + FW, pp + FB, &y[n * 10], 1, 400, 10, false);
        }
        float loss = loss_and_gradient<B, 10>(y.data(), t, dy.data(), true);
        for (int n = 0; n < B; n++) {
            const float* d = &dy[n * 10];
            for (int o = 0; o < 10; o++) {
                gg[FB + o] += d[o];
                for (int k = 0; k < P2; k++) gg[FW + o * P2 + k] += d[o] * p2[n * P2 + k];
            }
            for (int k = 0; k < P2; k++) {
                float s = 0;
                for (int o = 0; o < 10; o++) s += pp[FW + o * P2 + k] * d[o];
                dp2[k] = s;
            }
            std::fill(da2.begin(), da2.end(), 0.0f);
            for (int k = 0; k < P2; k++) da2[i2[n * P2 + k]] += dp2[k];
            for (int i = 0; i < A2; i++) da2[i] = a2[n * A2 + i] > 0 ? da2[i] : 0;
            std::fill(dp1.begin(), dp1.end(), 0.0f);
            conv_backward(&p1[n * P1], 8, 13, pp + C2W, 16, da2.data(), gg + C2W, gg + C2B, dp1.data());
            std::fill(da1.begin(), da1.end(), 0.0f);
            for (int k = 0; k < P1; k++) da1[i1[n * P1 + k]] += dp1[k];
            for (int i = 0; i < A1; i++) da1[i] = a1[n * A1 + i] > 0 ? da1[i] : 0;
            conv_backward(x + n * 784, 1, 28, pp + C1W, 8, da1.data(), gg + C1W, gg + C1B, nullptr);
        }
        for (int i = 0; i < P; i++) pp[i] -= lr * gg[i];
        return loss;
    }
};

// Checks one step from the exported parameters against NetDsl's, resets, times, and checks the weights stayed finite.
template <class Trainer, class Step> static void train_case(Reporter& rep, const char* name, const std::string& path, Step step) {
    TrainCase c = load_train(path);
    Trainer tr;
    tr.p = c.p;
    float loss = step(tr, c);
    double e_loss = check(&loss, Vec{c.loss}), e_grad = check(tr.g, c.grads), e_upd = check(tr.p, c.updated);
    tr.p = c.p;
    double ns = median_ns([&] { sink = step(tr, c); });
    double e_finite = check(tr.p, tr.p);  // infinite if training diverged during timing
    rep.line(name, {e_loss, e_grad, e_upd, std::isfinite(e_finite) ? 0.0 : e_finite}, ns);
}

int main(int argc, char** argv) {
    std::string dir = argc > 1 ? argv[1] : ".";
    Reporter rep;
    {
        Case c = load(dir + "/n1_b1.bin");
        Vec h(2), y(1);
        auto f = [&] { linear(c.x.data(), c.p.data(), c.p.data() + 6, h.data(), 1, 3, 2, true); linear(h.data(), c.p.data() + 8, c.p.data() + 10, y.data(), 1, 2, 1, false); sink = y[0]; };
        f();
        double err = check(y, c.expected);
        rep.line("N1 forward, batch 1", {err}, median_ns(f));
    }
    for (int batch : {1, 64}) {
        Case c = load(dir + "/n2_b" + std::to_string(batch) + ".bin");
        Vec h(batch * 128), y(batch * 10);
        const float* p = c.p.data();
        auto f = [&] { linear(c.x.data(), p, p + 100352, h.data(), batch, 784, 128, true); linear(h.data(), p + 100480, p + 101760, y.data(), batch, 128, 10, false); sink = y[0]; };
        f();
        double err = check(y, c.expected);
        rep.line(batch == 1 ? "N2 forward, batch 1" : "N2 forward, batch 64", {err}, median_ns(f));
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
        double err = check(y, c.expected);
        rep.line("N3 forward, batch 1", {err}, median_ns(f));
    }
    train_case<MlpTrainer<1, 3, 2, 1>>(rep, "N1 train step, batch 1", dir + "/n1_train_b1.bin",
        [](auto& tr, const TrainCase& c) { return tr.step(c.x.data(), c.t.data(), false, c.lr); });
    train_case<MlpTrainer<32, 784, 128, 10>>(rep, "N2 train step, batch 32", dir + "/n2_train_b32.bin",
        [](auto& tr, const TrainCase& c) { return tr.step(c.x.data(), c.t.data(), true, c.lr); });
    train_case<CnnTrainer<32>>(rep, "N3 train step, batch 32", dir + "/n3_train_b32.bin",
        [](auto& tr, const TrainCase& c) { return tr.step(c.x.data(), c.t.data(), c.lr); });
    return rep.failures == 0 ? 0 : 1;
}
