import Testing

extension Tag {
    @Tag static var statistical: Self
    @Tag static var slow: Self
}
