// Package driverv1 is version 1 of the gRPC protocol between a dataprotection
// host and its driver plugins: the messages and the Driver service generated
// from driver.proto (hack/update-proto.sh; do not edit the *.pb.go files).
//
// Plugin authors do not use it directly: package
// github.com/dpsdk/dataprotection/drivers/plugin serves a drivers.Driver over
// it (Serve) and turns a plugin process back into drivers.Drivers (Manager).
// It is exported so that plugins in other languages can be written against
// the same definitions.
package driverv1
