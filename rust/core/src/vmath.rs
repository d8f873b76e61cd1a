//! `exp` and `ln` over slices, several lanes at a time.
//!
//! Building the agents' step tables costs K * A + K exponentials and K + 1
//! logarithms per agent per generation, a libm call each. The `wide` crate
//! (portable SIMD on stable Rust; polynomial `exp` and `ln` within an ulp
//! or two of libm) evaluates four at once, which cut the table build of
//! the preset at N = 100,000 by a sixth. Every lane runs the same
//! arithmetic, so a value's result never depends on where it sits in the
//! slice: the numbers stay independent of batching and threads.
//!
//! `exp` goes further: `wide` picks its instructions when the crate is
//! compiled, and a portable build gets SSE2, two lanes per instruction.
//! `exp_lane` is `wide`'s `f64x4::exp` as that build computes it, written
//! once per lane in plain arithmetic, and `multiversion` compiles the loop
//! over a slice for AVX-512 and AVX2 too, choosing at run time (safe code:
//! the dispatch is the crate's); the table build (`niche::build`) calls
//! `exp_lane` inside its own multiversioned loops. No fused multiply-adds
//! (Rust never fuses `a * b + c` on its own), so every target gives
//! `wide`'s numbers bit for bit (`exp_is_wide_bit_for_bit`).

use multiversion::multiversion;
use wide::f64x4;

/// `out[i] = exp(x[i])`. Results below the smallest normal number (x <
/// -708.4) may be flushed to zero.
pub fn exp(x: &[f64], out: &mut [f64]) {
    assert_eq!(x.len(), out.len());
    exp_all(x, out);
}

#[multiversion(targets("x86_64+avx512f+avx512vl+avx512dq", "x86_64+avx2+avx", "x86_64+sse4.1"))]
fn exp_all(x: &[f64], out: &mut [f64]) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o = exp_lane(v);
    }
}

/// 2^52: adding it rounds a float below it to an integer (ties to even),
/// and leaves an integer's value in the low bits of the mantissa.
const MAGIC: f64 = 4503599627370496.0;

/// One lane of `wide::f64x4::exp` without SSE4.1 or FMA: range reduction
/// x = r ln 2 + y (ln 2 in two parts, fdlibm's), a degree-13 Taylor
/// polynomial in y evaluated in `wide`'s order with separate roundings,
/// scaled by 2^r, and the same special values. Branch-free selects, so
/// the loop vectorises.
#[inline(always)]
pub(crate) fn exp_lane(x: f64) -> f64 {
    const P2: f64 = 1.0 / 2.0;
    const P3: f64 = 1.0 / 6.0;
    const P4: f64 = 1.0 / 24.0;
    const P5: f64 = 1.0 / 120.0;
    const P6: f64 = 1.0 / 720.0;
    const P7: f64 = 1.0 / 5040.0;
    const P8: f64 = 1.0 / 40320.0;
    const P9: f64 = 1.0 / 362880.0;
    const P10: f64 = 1.0 / 3628800.0;
    const P11: f64 = 1.0 / 39916800.0;
    const P12: f64 = 1.0 / 479001600.0;
    const P13: f64 = 1.0 / 6227020800.0;
    const LN2D_HI: f64 = 0.693145751953125;
    const LN2D_LO: f64 = 1.4286068203094173e-6; // wide writes it 1.42860682030941723212E-6: the same f64
    let finite = x.is_finite();
    let neg_underflow = (x < -744.79) & finite;
    let r = round_ties_even(x * std::f64::consts::LOG2_E);
    let big = r > 1023.0;
    let r_safe = if big { 1023.0 } else { r };
    let excess = if big { r - 1023.0 } else { 0.0 };
    let scale = pow2n(excess);
    let y = x - r * LN2D_HI;
    let y = y - r * LN2D_LO;
    // `wide`'s polynomial_13: Estrin's scheme, each mul_add a * b + c.
    let (y2, y4) = (y * y, y * y * (y * y));
    let y8 = y4 * y4;
    let high = y4 * (y * P13 + P12) + (y2 * (y * P11 + P10) + (y * P9 + P8));
    let low = y4 * (y2 * (y * P7 + P6) + (y * P5 + P4)) + (y2 * (y * P3 + P2) + y);
    let z = y8 * high + low;
    let z = (z + 1.0) * scale * pow2n(r_safe);
    let nan = x.is_nan();
    let mut result = if nan { f64::from_bits(0x7FF8000000000000 | 0x101 << 29) } else { z };
    result = if (x > 709.783) & finite { f64::INFINITY } else { result };
    result = if neg_underflow { 0.0 } else { result };
    let negative = x.is_sign_negative();
    result = if !finite & !negative & !nan { f64::INFINITY } else { result };
    if !finite & negative & !nan { 0.0 } else { result }
}

/// `wide`'s round to nearest, ties to even, without SSE4.1: add and take
/// away 2^52 with the value's sign (-0.0 comes out +0.0, as there).
#[inline(always)]
fn round_ties_even(x: f64) -> f64 {
    let magic = f64::from_bits(MAGIC.to_bits() | (x.to_bits() & (1 << 63)));
    let rounded = x + magic - magic;
    if x.abs() <= MAGIC { rounded } else { x }
}

/// 2^n for an integer-valued n, as `wide`'s `vm_pow2n`: the exponent field
/// written directly, subnormal powers down to 2^-1074 as a mantissa bit,
/// 0 below.
#[inline(always)]
fn pow2n(n: f64) -> f64 {
    let normal = f64::from_bits((n + (1023.0 + MAGIC)).to_bits() << 52);
    let valid = n >= -1074.0;
    // n + 1074 is an integer in [0, 52] here: its value is the low bits.
    let shift = if valid { ((n + 1074.0) + MAGIC).to_bits().wrapping_sub(MAGIC.to_bits()) } else { 0 };
    let subnormal = if valid { f64::from_bits(1u64.wrapping_shl(shift as u32)) } else { 0.0 };
    if n < -1022.0 { subnormal } else { normal }
}

/// `out[i] = ln(x[i])`.
pub fn ln(x: &[f64], out: &mut [f64]) {
    map4(x, out, 1.0, f64x4::ln);
}

/// Apply `f` four values at a time; the last partial group is padded with
/// `pad` (a value `f` handles on its fast path).
#[inline(always)]
fn map4(x: &[f64], out: &mut [f64], pad: f64, f: impl Fn(f64x4) -> f64x4) {
    assert_eq!(x.len(), out.len());
    let mut xs = x.chunks_exact(4);
    let mut os = out.chunks_exact_mut(4);
    for (xc, oc) in (&mut xs).zip(&mut os) {
        let v = f(f64x4::new([xc[0], xc[1], xc[2], xc[3]]));
        oc.copy_from_slice(&v.to_array());
    }
    let rest = xs.remainder();
    if !rest.is_empty() {
        let mut buf = [pad; 4];
        buf[..rest.len()].copy_from_slice(rest);
        let v = f(f64x4::new(buf)).to_array();
        os.into_remainder().copy_from_slice(&v[..rest.len()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn max_relative_error(xs: &[f64], ours: fn(&[f64], &mut [f64]), libm: fn(f64) -> f64) -> f64 {
        let mut out = vec![0.0; xs.len()];
        ours(xs, &mut out);
        xs.iter()
            .zip(&out)
            .map(|(&x, &y)| {
                let want = libm(x);
                if want == 0.0 { y.abs() } else { ((y - want) / want).abs() }
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn exp_matches_libm_to_an_ulp_or_two() {
        // The range the table build uses: shifted logits x - max <= 0, down
        // to the smallest normal result.
        let xs: Vec<f64> = (0..200_001).map(|i| -708.0 * i as f64 / 200_000.0).chain([-1e-300, 0.5, 3.0]).collect();
        let e = max_relative_error(&xs, exp, f64::exp);
        assert!(e < 1e-15, "{e}");
        // Below it libm returns denormals and `wide` may flush to zero: an
        // absolute error under 2.3e-308, nothing next to a row's largest term, 1.
        let (low, mut out) = ([-708.5, -720.0, -745.0, -1000.0], [1.0; 4]);
        exp(&low, &mut out);
        assert!(low.iter().zip(&out).all(|(&x, &y)| (y - x.exp()).abs() < 2.3e-308 && y >= 0.0));
        exp(&[0.0], &mut out[..1]);
        assert_eq!(out[0], 1.0);
    }

    #[test]
    fn ln_matches_libm_to_an_ulp_or_two() {
        let xs: Vec<f64> = (0..100_000)
            .map(|i| 1.0 + i as f64 * 0.37)
            .chain((1..600).map(|p| 10f64.powf(p as f64 * 0.5 - 150.0)))
            .collect();
        let e = max_relative_error(&xs, ln, f64::ln);
        assert!(e < 1e-15, "{e}");
        let mut out = [7.0];
        ln(&[1.0], &mut out);
        assert_eq!(out[0], 0.0);
    }

    #[test]
    fn exp_is_wide_bit_for_bit() {
        // Where the table build lives (x <= 0, down past underflow), and
        // every special value and edge of `wide`'s f64x4::exp.
        let mut xs: Vec<f64> = (0..400_001).map(|i| -760.0 * i as f64 / 400_000.0).collect();
        let mut s = 0x9E3779B97F4A7C15u64;
        for _ in 0..200_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            xs.push(((s >> 11) as f64 / (1u64 << 53) as f64 - 0.9) * 800.0);
            xs.push(-((s >> 12) as f64 / (1u64 << 52) as f64) * 1e-3);
        }
        xs.extend([0.0, -0.0, 1e-310, -1e-310, -708.39, -708.4, -744.79, -744.8, -745.2, -1074.0 * std::f64::consts::LN_2,
                   709.43, 709.5, 709.783, 709.79, 1e300, -1e300, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, f64::MAX, f64::MIN]);
        let mut ours = vec![0.0; xs.len()];
        exp(&xs, &mut ours);
        for (x, y) in xs.iter().zip(&ours) {
            let want = f64x4::splat(*x).exp().to_array()[0];
            assert_eq!(y.to_bits(), want.to_bits(), "exp({x:e}): {y:e} against wide's {want:e}");
        }
    }

    #[test]
    fn a_value_gets_the_same_result_in_any_lane() {
        let xs = [-0.3, -1.7, -2.2, -9.1, -0.01];
        let mut whole = [0.0; 5];
        exp(&xs, &mut whole);
        for (i, &x) in xs.iter().enumerate() {
            let mut one = [0.0];
            exp(&[x], &mut one);
            assert_eq!(one[0].to_bits(), whole[i].to_bits());
        }
    }
}
