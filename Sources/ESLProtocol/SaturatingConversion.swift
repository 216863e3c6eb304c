/// Double to integer without a trap. Swift's `Int(_: Double)` stops the process for NaN, infinities
/// and anything out of range; every such value here comes from outside (a recording's times, a
/// switch's figures, a --speed), so it is clamped to the type's range instead, NaN taken as 0.
extension Int {
    public init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 9_223_372_036_854_775_807.0 {
            // Double(Int.max) rounds up to 2^63, which Int cannot hold.
            self = .max
        } else if value <= -9_223_372_036_854_775_808.0 {
            self = .min
        } else {
            self = Int(value)
        }
    }
}

extension UInt64 {
    public init(saturating value: Double) {
        if value.isNaN || value <= 0 {
            self = 0
        } else if value >= 18_446_744_073_709_551_615.0 {
            self = .max
        } else {
            self = UInt64(value)
        }
    }
}
