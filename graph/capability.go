package graph

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-unidecode"
)

// The six capability categories of the State Department guidance.
const (
	CapSensors          = "sensors"
	CapBiometric        = "biometric identification"
	CapDataAnalytics    = "data analytics"
	CapInternet         = "internet surveillance"
	CapLocationTracking = "non-cooperative location tracking"
	CapRecordingDevices = "recording devices"
)

// CapabilityCategories lists the six categories in the guidance's order.
var CapabilityCategories = []string{CapSensors, CapBiometric, CapDataAnalytics, CapInternet, CapLocationTracking, CapRecordingDevices}

// capabilityWords are phrases (lower-case words) that point to a category.
var capabilityWords = map[string][]string{
	CapSensors: {"sensor", "sensors", "thermal", "infrared", "radar", "lidar", "drone", "drones", "uav", "uavs",
		"acoustic", "seismic", "night vision"},
	CapBiometric: {"biometric", "biometrics", "facial recognition", "face recognition", "face matching", "fingerprint",
		"fingerprints", "iris", "voice recognition", "voiceprint", "speaker identification", "gait", "dna"},
	CapDataAnalytics: {"data analytics", "analytics", "big data", "data mining", "predictive policing",
		"social network analysis", "link analysis", "data fusion", "pattern analysis"},
	CapInternet: {"internet surveillance", "internet monitoring", "deep packet inspection", "dpi", "spyware",
		"intrusion", "malware", "trojan", "lawful interception", "interception", "monitoring centre",
		"monitoring center", "social media monitoring", "network monitoring", "web monitoring", "exploit", "exploits"},
	CapLocationTracking: {"location tracking", "imsi catcher", "imsi catchers", "stingray", "cell site simulator",
		"geolocation", "ss7", "gps tracking", "gps tracker", "tracking", "tracker", "location"},
	CapRecordingDevices: {"recording", "recorder", "recorders", "recording devices", "cctv", "camera", "cameras",
		"body camera", "bodycam", "microphone", "microphones", "wiretap", "bug", "bugs"},
}

// Capabilities returns the guidance categories that free capability text
// points to, in the guidance's order: "IMSI catcher; facial recognition
// cameras" gives biometric identification, non-cooperative location
// tracking and recording devices. The text itself is kept as written.
func Capabilities(text string) []string {
	words := strings.FieldsFunc(strings.ToLower(unidecode.Unidecode(text)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) == 0 {
		return nil
	}
	joined := " " + strings.Join(words, " ") + " "
	var out []string
	for _, cat := range CapabilityCategories {
		if strings.Contains(joined, " "+cat+" ") {
			out = append(out, cat)
			continue
		}
		for _, w := range capabilityWords[cat] {
			if strings.Contains(joined, " "+w+" ") {
				out = append(out, cat)
				break
			}
		}
	}
	return out
}
