module github.com/steercheck/steercheck

go 1.26.8
