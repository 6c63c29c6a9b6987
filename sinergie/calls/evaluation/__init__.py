"""Evaluating a call's sent applications: the automatic check by the call's rules and the vouchers
issued from a published ranking (services), the staff's and evaluators' manual work (review), the
ranking and its versions (ranking), its downloads (exports), the staff's and evaluators' pages
(forms, selectors, views, urls; the pages live in the `calls` namespace), and `bench ranking`."""
