"""yinsi (隐私): privacy policy as code, and the system that keeps its promises."""
